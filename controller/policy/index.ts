/**
 * The policy module: one definition of the policy language shared by the CLI, the construct (synth-time
 * validation) and the controller. Imports nothing from AWS; only load.ts touches the file system.
 * Bundles that only need JSON validation and resolution can import core.ts instead (no YAML parser). The list is
 * explicit: this is the package's `lambda-thermostat/policy` entry, so internals stay out of it.
 */
export {
  BUILTIN_DEFAULTS,
  DAYS,
  type Day,
  DefaultsDocumentSchema,
  DefaultsSchema,
  DurationError,
  type Effective,
  formatDuration,
  formatIssue,
  functionName,
  LIMITS,
  type LoadedPolicy,
  type LoadedTemplate,
  MODES,
  type Mode,
  type ParseResult,
  type PayloadFlavour,
  type PingPayloadSpec,
  type Policy,
  type PolicyDefaults,
  type PolicyIssue,
  PolicySchema,
  PolicyValidationError,
  type PolicyWindow,
  type ProvisionedSettings,
  parseDuration,
  parsePolicyJson,
  parsePolicyValue,
  resolvePolicy,
  timeoutIssues,
  type WarmSettings,
} from './core';
export { PolicyFileSchema, policyJsonSchema, SCHEMA_PATH } from './json-schema';
export { type LoadOptions, loadPolicySet, type PolicySet } from './load';
export { MAX_POLICY_FILE_BYTES, readPolicyText } from './read';
export { shareHint } from './share-hint';
export { parsePolicySource } from './source';
