import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clients, FIXTURES, payloadOf, testEmulator } from './helpers';

const BIN = join(__dirname, '..', '..', 'bin', 'thermostat.js');

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

describe('dynamodb: true from bin/thermostat.js', () => {
  // The CLI runs the sources through tsx, whose loader differs from jest's: this is the path users take.
  it('starts dynalite and answers a real ListTables, then stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--manifest', join(FIXTURES, 'dynamodb.yaml'), '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        const look = () => {
          const found = /^ {2}dynamodb (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
          if (found) resolve(found[1]!);
        };
        child.stdout.on('data', look);
        child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening: ${stderr}`)));
      });
      const db = new DynamoDBClient({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      const tables = await db.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([]);
      db.destroy();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(child.exitCode).toBe(0);
    expect(stdout).toContain('thermostat emulator stopped');
  });
});
