import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clients, payloadOf, testEmulator } from './helpers';

describe('dynamodb: true', () => {
  it('starts a real local DynamoDB (dynalite) on 127.0.0.1 and tells handlers where it is', async () => {
    const emulator = await testEmulator({ dynamodb: true, functions: [{ name: 'echo', handler: 'echo.js' }] });
    try {
      expect(emulator.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const db = new DynamoDBClient({
        ...emulator.clientConfig(),
        endpoint: emulator.dynamodbEndpoint,
        maxAttempts: 1,
      });
      await db.send(
        new CreateTableCommand({
          TableName: 'thermostat-state',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const put = () =>
        db.send(
          new PutItemCommand({
            TableName: 'thermostat-state',
            Item: { pk: { S: 'tick#1' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      await put();
      await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      const item = await db.send(new GetItemCommand({ TableName: 'thermostat-state', Key: { pk: { S: 'tick#1' } } }));
      expect(item.Item?.pk?.S).toBe('tick#1');
      const { lambda } = clients(emulator);
      const output = await lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
      expect((payloadOf(output) as { env: Record<string, string> }).env).toMatchObject({
        endpoint: emulator.endpoint,
        dynamodb: emulator.dynamodbEndpoint,
      });
    } finally {
      await emulator.stop();
    }
  });
});
