/**
 * The state table's shape, shared by the construct (which creates the table), the controller and the tests (which
 * create it in dynalite): one string partition key and a TTL attribute; no sort key, no indexes.
 */
export const STATE_TABLE = {
  partitionKey: 'pk',
  /** Epoch seconds; tick claims expire after a few days so the table does not grow forever. */
  ttlAttribute: 'expiresAt',
} as const;
