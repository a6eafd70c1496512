/**
 * Thrown at synth time when the construct's configuration cannot work: a broken policy, a policy bound to the
 * wrong target, a timeout that does not fit the schedule. Messages follow aws-cdk-lib: lower case, the bad value,
 * and how to fix it. `cause` keeps the underlying error (e.g. the policy module's PolicyValidationError).
 */
export class ThermostatConfigError extends Error {
  override readonly name = 'ThermostatConfigError';
}

/** Thrown when the pre-bundled controller is missing: the package was not built. */
export class ControllerAssetError extends Error {
  override readonly name = 'ControllerAssetError';
}
