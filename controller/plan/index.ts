export { type AutoInput, type AutoPlan, planAuto } from './auto';
export {
  allocateWhole,
  type BudgetSettings,
  DEFAULT_TICK_SHARE,
  liveReserve,
  longestWaitingFirst,
  type PingCap,
  reservedHeadroom,
  targetPingCap,
  tickPool,
  tickShareOf,
} from './budget';
export * from './decision';
export {
  checkPutOff,
  type DemandSettings,
  environmentsNeeded,
  expectedLongestGap,
  idlePredictionChanged,
  isRegular,
  type PingPlan,
  planPings,
  predictsIdle,
} from './demand';
export { coldShare, environmentsFor, marginalUtilisation } from './erlang';
export { intervalTolerance, isDue, onGridBefore, roundDueAt } from './interval';
export {
  LONGEST_MINUTE_READ_MINUTES,
  MINUTE_READ_EVERY_MS,
  minuteReadMinutes,
  wantsMinuteStatistics,
} from './minute-reads';
export type * from './observed';
export { DEFAULT_TICK_MS, type PlanOptions, plan, provisionedPossible } from './plan';
export { ACCOUNT_FLOOR, qualifierText } from './provisioned';
export {
  LONGEST_ORDINARY_PAUSE_MS,
  MAX_SLEEP_MS,
  MIN_SLEEP_TICKS,
  type NextTick,
  NOTICE_SLEEP_MS,
  nextTick,
  quietUntil,
  type Settled,
  settledUntil,
} from './sleep';
export { percentile, percentileOfSorted } from './statistics';
export {
  BURST_MEMORY_MS,
  type Burst,
  EMPTY_TRAFFIC,
  idleGapFields,
  LONGEST_TRAFFIC_HORIZON_MS,
  LONGEST_TRUST_MS,
  MAX_TRAFFIC_HORIZON_MS,
  MISSED_STOP_SHARE,
  type MinuteStatistics,
  type Outgrown,
  type RoundSeen,
  recordLatency,
  recordMinutes,
  recordProbe,
  recordSightings,
  recordUtilization,
  roundSeen,
  type SeenEnvironment,
  type Sighting,
  type TrafficHistory,
  type TrafficProbe,
  UNIT_SHARES_KEPT,
  unitBusyShares,
} from './traffic';
