/**
 * The policy module without a YAML parser, a file system or JSON Schema generation: schemas, validation of
 * already-parsed values, and resolution. For bundles that receive policies as JSON (the controller Lambda),
 * where index.ts would add about 140 KB of YAML parser and schema generator.
 */
export { DurationError, formatDuration, parseDuration } from './duration';
export { functionName, policyKey, targetIdentity } from './function-name';
export { formatIssue, type PolicyIssue, PolicyValidationError } from './issues';
export { parsePolicyJson } from './json-set';
export { type LoadedPolicy, type LoadedTemplate, type ParseResult, parsePolicyValue, TEMPLATE_FUNCTION } from './parse';
export {
  type Effective,
  type PingPayloadSpec,
  type ProvisionedSettings,
  resolvePolicy,
  type WarmSettings,
} from './resolve';
export {
  BUILTIN_DEFAULTS,
  DAYS,
  type Day,
  DefaultsDocumentSchema,
  DefaultsSchema,
  LIMITS,
  MODES,
  type Mode,
  type PayloadFlavour,
  type Policy,
  type PolicyDefaults,
  PolicySchema,
  type PolicyWindow,
} from './schema';
export { timeoutIssues } from './timeout';
