/** The local Lambda emulator: what its users (CLI, tests, benchmarks, the package's `/emulator` entry) import. */

export type { ScalingActivity } from './autoscaling/service';
export type { CallCount, CallService, CallSnapshot } from './calls';
export { type Clock, type ClockTimer, ManualClock, realClock } from './clock';
export { type ClientConfig, type Emulator, startEmulator } from './emulator';
export { AwsError, EmulatorConfigError, EmulatorRuntimeError } from './errors';
export type { ReceivedEvent } from './events';
export type { ActiveFault, FaultKind, FaultSpec } from './faults';
export type {
  EmulatorSnapshot,
  EnvironmentSnapshot,
  EnvironmentStateName,
  FunctionSnapshot,
  ProvisionedSnapshot,
} from './inspect';
export type { QuotaSecond, QuotaSnapshot } from './lambda/quota';
export type { LogLine, LogQuery } from './logs';
export { loadManifest } from './manifest';
export type { MetricPoint, MetricQuery, MetricSeriesInfo, Statistic } from './metrics/store';
export type { EmulatorOptions } from './options';
export type { AliasSpec, EnvironmentKind, FunctionSpecInput, SettingsInput } from './spec';
