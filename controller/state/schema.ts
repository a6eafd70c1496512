/** How long a tick claim is kept (it only has to outlive any duplicate delivery of the same tick). */
export const TICK_CLAIM_TTL_SECONDS = 3 * 24 * 3600;

/**
 * Ping results kept per target: the last few, for a person reading the item. The full record of every tick is in
 * the structured log lines and the EventBridge events; every record kept here adds to each save, and DynamoDB
 * bills a write per started kilobyte (before items were packed, 12 records made the item of a plain warm target 2 KB).
 */
export const HISTORY_LENGTH = 3;
