export { DynamoStateStore } from './dynamo';
export { HISTORY_LENGTH, STATE_TABLE, TICK_CLAIM_TTL_SECONDS } from './schema';
export {
  type ClaimResult,
  MemoryStateStore,
  type OwnershipIntent,
  type PingRecord,
  type StateStore,
  type TargetState,
  type TickClaim,
} from './store';
