import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetAccountSettingsCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { clients, testEmulator } from './helpers';

describe('calls()', () => {
  it('counts every request by service and operation, with what AWS bills each by', async () => {
    const emulator = await testEmulator({
      dynamodb: true,
      countDynamoDbCalls: true,
      functions: [{ name: 'echo', handler: 'echo.js' }],
    });
    const { lambda, autoScaling, events, cloudWatch } = clients(emulator);
    const db = new DynamoDBClient({ ...emulator.clientConfig(), endpoint: emulator.dynamodbEndpoint, maxAttempts: 1 });
    try {
      await lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
      await lambda.send(new GetAccountSettingsCommand({}));
      await lambda.send(new GetAccountSettingsCommand({}));
      await autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'lambda' }));
      const entry = { Source: 'test', DetailType: 'Test', Detail: '{}' };
      await events.send(new PutEventsCommand({ Entries: [entry, entry, entry] }));
      const stat = (id: string) => ({
        Id: id,
        MetricStat: {
          Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [] },
          Period: 60,
          Stat: 'Sum',
        },
      });
      await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 600_000),
          EndTime: new Date(),
          MetricDataQueries: [stat('a'), stat('b')],
        }),
      );

      await db.send(
        new CreateTableCommand({
          TableName: 'state',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      // A 1.5 KB item: two write units to write, half a read unit to read eventually consistent, one consistent.
      const item = { pk: { S: 'target#a' }, blob: { S: 'x'.repeat(1_500) } };
      await db.send(new PutItemCommand({ TableName: 'state', Item: item }));
      const conditional = db.send(
        new PutItemCommand({ TableName: 'state', Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      await expect(conditional).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      const read = await db.send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'target#a' } } }));
      // The caller never asked for consumed capacity and still gets dynalite's answer.
      expect(read.Item?.blob?.S).toHaveLength(1_500);
      await db.send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'target#a' } }, ConsistentRead: true }));
      await db.send(new BatchGetItemCommand({ RequestItems: { state: { Keys: [{ pk: { S: 'target#a' } }] } } }));
      await db.send(new ScanCommand({ TableName: 'state' }));

      const calls = emulator.calls({ reset: true });
      expect(calls.lambda).toEqual({
        Invoke: { calls: 1, units: 1 },
        GetAccountSettings: { calls: 2, units: 2 },
      });
      expect(calls.autoscaling).toEqual({ DescribeScalableTargets: { calls: 1, units: 1 } });
      expect(calls.events).toEqual({ PutEvents: { calls: 1, units: 3 } });
      expect(calls.cloudwatch).toEqual({ GetMetricData: { calls: 1, units: 2 } });
      expect(calls.dynamodb).toEqual({
        CreateTable: { calls: 1, units: 0 },
        // the failed conditional write is billed as well
        PutItem: { calls: 2, units: 3 },
        GetItem: { calls: 2, units: 1.5 },
        BatchGetItem: { calls: 1, units: 0.5 },
        Scan: { calls: 1, units: 0.5 },
      });
      expect(emulator.calls()).toEqual({});
    } finally {
      for (const client of [lambda, autoScaling, events, cloudWatch, db]) client.destroy();
      await emulator.stop();
    }
  }, 30_000);
});
