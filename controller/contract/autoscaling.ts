import { functionName } from '../policy/function-name';

/**
 * Application Auto Scaling names for Lambda provisioned concurrency: what the controller registers and reads, and
 * what the construct's IAM conditions and alarm-name prefixes must match.
 */
export const AAS_SERVICE_NAMESPACE = 'lambda';
export const SCALABLE_DIMENSION = 'lambda:function:ProvisionedConcurrency';
/** The one target-tracking policy Thermostat puts on a scalable target it manages. */
export const SCALING_POLICY_NAME = 'thermostat-target-tracking';
/** Every Lambda resource id starts so; target-tracking alarms are named `TargetTracking-<resource id>-…`. */
export const RESOURCE_ID_PREFIX = 'function:';
export const TARGET_TRACKING_ALARM_PREFIX = 'TargetTracking-';

/** The scalable target's resource id of one alias or version (`fn` is a function name or ARN). */
export const resourceId = (fn: string, qualifier: string): string =>
  `${RESOURCE_ID_PREFIX}${functionName(fn)}:${qualifier}`;

/**
 * Tag key on the scalable targets the controller registers or adopts, valued with its service name: IAM conditions
 * on it keep the controller's Application Auto Scaling writes to its own scalable targets.
 */
export const SCALABLE_TARGET_TAG = 'thermostat:controller';
