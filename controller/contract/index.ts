/**
 * The contract between the controller and the construct: one definition of the names both sides must agree on.
 * Imports nothing but the policy module's function-name helper (the construct may import only this and the policy
 * module).
 */
export {
  AAS_SERVICE_NAMESPACE,
  RESOURCE_ID_PREFIX,
  resourceId,
  SCALABLE_DIMENSION,
  SCALABLE_TARGET_TAG,
  SCALING_POLICY_NAME,
  TARGET_TRACKING_ALARM_PREFIX,
} from './autoscaling';
export { dispatchMsPerPingAt, ONE_VCPU_MB, PING_CPU_MS, UNSHARED_DISPATCH_MS_PER_PING } from './dispatch';
export { ControllerEnv, DEFAULT_SHARD_SIZE } from './environment';
export {
  ControllerMetric,
  type ControllerMetricName,
  Dimension,
  HelperMetric,
  type HelperMetricName,
  METRIC_NAMESPACE,
} from './metrics';
export { STATE_TABLE } from './state-table';
