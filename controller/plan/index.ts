export { type AutoChoice, type AutoChooser, type AutoInput, costModelChooser } from './auto';
export {
  allocateFairly,
  type BudgetSettings,
  DEFAULT_TICK_SHARE,
  type PingCap,
  reservedHeadroom,
  targetPingCap,
  tickPool,
  tickShareOf,
} from './budget';
export * from './decision';
export { intervalTolerance, isDue } from './interval';
export type * from './observed';
export { type PlanOptions, plan } from './plan';
export { ACCOUNT_FLOOR, qualifierText } from './provisioned';
