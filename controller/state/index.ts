export { DynamoStateStore, ledgerItem, targetItem } from './dynamo';
export { FutureTickError, MAX_CLOCK_SKEW_MS } from './future-tick';
export { HeldLedgers, LEDGER_HOLD_MS, withHeld } from './held-ledger';
export {
  isQuiet,
  type LedgerPart,
  ledgerHash,
  type PingLedger,
  policyFingerprint,
  type QuietTarget,
  quietTargets,
  ShardLedgers,
  ShardPings,
  withLedgerRound,
} from './ping-ledger';
export {
  EAGER_TAKEOVER_TARGETS,
  LONGEST_RUN_MS,
  REMEMBER_AT_MOST_MS,
  RememberedItems,
  SHARED_WRITER,
} from './remembered-items';
export { type RoundSave, roundSave } from './round-save';
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
export {
  type SavedTraffic,
  savedTraffic,
  TRAFFIC_SAVE_EVERY_MS,
  TrafficMemory,
  trafficSaveDue,
} from './traffic-memory';
export { itemBytes, readUnits, writeUnits } from './units';
