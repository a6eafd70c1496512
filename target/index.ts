/**
 * Thermostat's target helper: the few kilobytes a warmed function bundles. It recognises warm-up pings (Thermostat's
 * and other warmers'), holds each to the round's shared deadline so concurrent pings land on distinct environments,
 * answers with the environment's proof, and counts cold vs warm starts of real traffic as EMF log lines.
 * Imports no AWS SDK and nothing outside this folder.
 */

export { createEnvironment, type Environment } from './environment';
export { ThermostatOptionsError } from './errors';
export type { MetricDimension, MetricsOptions, StartKind } from './metrics';
export type {
  EnvironmentProof,
  InitType,
  PingEnvelope,
  PingFormat,
  PingRequest,
  ProofEnvelope,
} from './protocol';
export { DEFAULT_MAX_HOLD_MS, LONGEST_REQUESTED_HOLD_MS } from './protocol';
export type { WarmPing } from './recognise';
export type { PingAnswer, PingInfo, ThermostatOptions } from './thermostat';
export type { AsyncHandler, CallbackHandler, LambdaCallback, LambdaContext } from './types';
export { isWarmPing, withThermostat } from './with-thermostat';
