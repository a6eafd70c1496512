import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE } from '../contract';

/**
 * Creates a state table of the shape the construct deploys, in a local DynamoDB (the emulator's or a bare dynalite):
 * the demo, the benchmarks and the tests make theirs with it. In AWS only the construct creates the table.
 */
export async function createStateTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
