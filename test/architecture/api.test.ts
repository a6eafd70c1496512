import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportsOf } from './exports';
import { ROOT } from './sources';

// The public surface: every name each package entry point exports. Adding or removing one is a change users see,
// so it fails here until this list (and the README, when users call it) says so too. `type X` is a type-only export.
const PUBLIC_API: Record<string, readonly string[]> = {
  'lambda-thermostat': [
    'ControllerAssetError',
    'ControllerMetric',
    'Dimension',
    'HelperMetric',
    'METRIC_NAMESPACE',
    'TargetPolicy',
    'Thermostat',
    'ThermostatAlarms',
    'ThermostatConfigError',
    'ThermostatDefaults',
    'type BoundTarget',
    'type PolicyObject',
    'type PolicySetDocument',
    'type TagDiscoveryProps',
    'type ThermostatMetricOptions',
    'type ThermostatProps',
    'type ThermostatTarget',
  ],
  'lambda-thermostat/target': [
    'DEFAULT_MAX_HOLD_MS',
    'LONGEST_REQUESTED_HOLD_MS',
    'ThermostatOptionsError',
    'createEnvironment',
    'isWarmPing',
    'type AsyncHandler',
    'type CallbackHandler',
    'type Environment',
    'type EnvironmentProof',
    'type InitType',
    'type LambdaCallback',
    'type LambdaContext',
    'type MetricDimension',
    'type MetricsOptions',
    'type PingAnswer',
    'type PingEnvelope',
    'type PingFormat',
    'type PingInfo',
    'type PingRequest',
    'type ProofEnvelope',
    'type StartKind',
    'type ThermostatOptions',
    'type WarmPing',
    'withThermostat',
  ],
  'lambda-thermostat/target/middy': [
    'thermostatMiddleware',
    'type MiddyRequestLike',
    'type PingAnswer',
    'type ThermostatMiddleware',
    'type ThermostatOptions',
  ],
  'lambda-thermostat/policy': [
    'BUILTIN_DEFAULTS',
    'DAYS',
    'DefaultsDocumentSchema',
    'DefaultsSchema',
    'DurationError',
    'LIMITS',
    'MAX_POLICY_FILE_BYTES',
    'MODES',
    'PolicyFileSchema',
    'PolicySchema',
    'PolicyValidationError',
    'SCHEMA_PATH',
    'formatDuration',
    'formatIssue',
    'functionName',
    'loadPolicySet',
    'parseDuration',
    'parsePolicyJson',
    'parsePolicySource',
    'parsePolicyValue',
    'policyJsonSchema',
    'readPolicyText',
    'resolvePolicy',
    'shareHint',
    'timeoutIssues',
    'type Day',
    'type Effective',
    'type LoadOptions',
    'type LoadedPolicy',
    'type LoadedTemplate',
    'type Mode',
    'type ParseResult',
    'type PayloadFlavour',
    'type PingPayloadSpec',
    'type Policy',
    'type PolicyDefaults',
    'type PolicyIssue',
    'type PolicySet',
    'type PolicyWindow',
    'type ProvisionedSettings',
    'type WarmSettings',
  ],
  'lambda-thermostat/emulator': [
    'AwsError',
    'EmulatorConfigError',
    'EmulatorRuntimeError',
    'ManualClock',
    'loadManifest',
    'realClock',
    'startEmulator',
    'type ActiveFault',
    'type AliasSpec',
    'type CallCount',
    'type CallService',
    'type CallSnapshot',
    'type ClientConfig',
    'type Clock',
    'type ClockTimer',
    'type Emulator',
    'type EmulatorOptions',
    'type EmulatorSnapshot',
    'type EnvironmentKind',
    'type EnvironmentSnapshot',
    'type EnvironmentStateName',
    'type FaultKind',
    'type FaultSpec',
    'type FunctionSnapshot',
    'type FunctionSpecInput',
    'type LogLine',
    'type LogQuery',
    'type MetricPoint',
    'type MetricQuery',
    'type MetricSeriesInfo',
    'type ProvisionedSnapshot',
    'type QuotaSecond',
    'type QuotaSnapshot',
    'type ReceivedEvent',
    'type ScalingActivity',
    'type SettingsInput',
    'type Statistic',
  ],
};

interface PackageJson {
  readonly name: string;
  readonly exports: Record<string, string | { readonly types?: string }>;
}

/** Each code entry point of package.json (`exports` with types) and the source file it is built from. */
function entryPoints(): Array<[string, string]> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  return Object.entries(pkg.exports).flatMap(([subpath, target]) => {
    if (typeof target === 'string' || target.types === undefined) return [];
    const entry = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
    return [[entry, target.types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')] as [string, string]];
  });
}

describe('public API', () => {
  const entries = entryPoints();

  it('lists every entry point of package.json', () => {
    expect(entries.map(([entry]) => entry).sort()).toEqual(Object.keys(PUBLIC_API).sort());
  });

  it.each(entries)('%s exports exactly the listed names', (entry, file) => {
    expect(exportsOf(file)).toEqual([...(PUBLIC_API[entry] ?? [])].sort());
  });

  it.each(entries)('%s: the listed values are what the module really exports at run time', (entry, file) => {
    // Guards the syntactic reading above: what `require` returns must be the listed values, no more, no fewer.
    const loaded = require(join(ROOT, file)) as Record<string, unknown>;
    const values = (PUBLIC_API[entry] ?? []).filter((name) => !name.startsWith('type '));
    expect(Object.keys(loaded).sort()).toEqual([...values].sort());
  });
});
