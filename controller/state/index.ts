export { DynamoStateStore } from './dynamo';
export { FutureTickError, MAX_CLOCK_SKEW_MS } from './future-tick';
export { type PingLedger, ShardPings } from './ping-ledger';
export { HISTORY_LENGTH, TICK_CLAIM_TTL_SECONDS } from './schema';
export {
  type ClaimResult,
  MemoryStateStore,
  type OwnershipIntent,
  type PingRecord,
  type SettledCopy,
  type StateCorruption,
  type StateStore,
  type TargetState,
  type TickClaim,
} from './store';
