export { ControllerMetric, Dimension, HelperMetric, METRIC_NAMESPACE } from '../controller/contract';
export { ThermostatAlarms } from './alarms';
export type { BoundTarget } from './binding';
export { ControllerAssetError, ThermostatConfigError } from './errors';
export type { PolicySetDocument } from './policy-set';
export type { TagDiscoveryProps, ThermostatProps, ThermostatTarget } from './props';
export { type PolicyObject, TargetPolicy } from './target-policy';
export { Thermostat, ThermostatDefaults, type ThermostatMetricOptions } from './thermostat';
