import { z } from 'zod';
import { EmulatorConfigError } from './errors';

/**
 * What a manifest (or `startEmulator`) may say about functions and the emulated account. One schema serves the
 * manifest file and the programmatic options, so both get the same field-level errors.
 */

const environmentKind = z.enum(['process', 'light']);
const versionNumber = z.string().regex(/^[1-9]\d*$/, 'a version is a whole number from 1, e.g. "1"');
const envVars = z.record(
  z.string().regex(/^[a-zA-Z]\w*$/, 'environment variable names are letters, digits and _'),
  z.string(),
);

const versionOverrides = z.strictObject({
  handler: z.string().min(1).optional(),
  export: z.string().min(1).optional(),
  memoryMb: z.int().min(128).max(10_240).optional(),
  timeoutMs: z.int().min(1).max(900_000).optional(),
  env: envVars.optional(),
  description: z.string().max(256).optional(),
});

const aliasSpec = z.union([
  versionNumber,
  z.strictObject({
    version: versionNumber,
    /** Additional versions and the share of traffic each gets (AdditionalVersionWeights). */
    weights: z.record(versionNumber, z.number().gt(0).lt(1)).optional(),
    description: z.string().max(256).optional(),
  }),
]);

export const functionSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a function name is 1-64 letters, digits, - or _'),
  /** Path of the handler module (.js, .cjs, .mjs or .ts); relative paths start at the manifest's folder. */
  handler: z.string().min(1),
  /** Exported function to call; dotted paths reach nested exports. */
  export: z.string().min(1).default('handler'),
  memoryMb: z.int().min(128).max(10_240).default(128),
  /** Handler timeout in milliseconds (AWS counts whole seconds; the emulator allows less for tests). */
  timeoutMs: z.int().min(1).max(900_000).default(3_000),
  env: envVars.default({}),
  reservedConcurrency: z.int().min(0).optional(),
  architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
  runtime: z.string().default('nodejs22.x'),
  description: z.string().max(256).default(''),
  /** Overrides the emulator-wide environment kind for this function. */
  environment: environmentKind.optional(),
  /** Resource tags (GetFunction's `Tags`, ListTags), e.g. `{ "thermostat:policy": "api" }`. */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
  /** Published versions; each starts from the function's settings and may override some. */
  versions: z.record(versionNumber, versionOverrides).default({}),
  aliases: z
    .record(
      z
        .string()
        .regex(/^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$/, 'an alias name is letters, digits, - or _, not only digits'),
      aliasSpec,
    )
    .default({}),
});

export const settingsSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'a region looks like us-east-1')
    .default('us-east-1'),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'an account id is 12 digits')
    .default('123456789012'),
  port: z.int().min(0).max(65_535).default(0),
  environment: environmentKind.default('process'),
  /** An idle on-demand environment is reclaimed after this long (plus up to `idleJitterMs`). */
  idleTimeoutMs: z.int().min(1).default(600_000),
  idleJitterMs: z.int().min(0).default(0),
  /** Every environment is retired after this long, busy or not (at its next idle moment). */
  maxLifetimeMs: z.int().min(1).default(7_200_000),
  accountConcurrency: z.int().min(1).default(1_000),
  /** Unreserved concurrency that reserved and provisioned concurrency may never take (AWS: 100). */
  unreservedFloor: z.int().min(0).default(100),
  /** New environments per function per scaling window (AWS: 1,000 per 10 s). */
  scalingRate: z.int().min(1).default(1_000),
  scalingWindowMs: z.int().min(1).default(10_000),
  /** Shared requests-per-second quota of the Lambda control plane, GetFunction excluded (AWS: 15). */
  controlPlaneRps: z.number().positive().default(15),
  getFunctionRps: z.number().positive().default(100),
  /** Minimum time a provisioned-concurrency allocation stays IN_PROGRESS. */
  provisionedAllocationDelayMs: z.int().min(0).default(1_000),
  /** Period of the Application Auto Scaling loop (target tracking and scheduled actions). */
  autoScalingIntervalMs: z.int().min(1).default(60_000),
  /** Init phase limit (AWS: 10 s for on-demand). */
  initTimeoutMs: z.int().min(1).default(10_000),
  /** Blank child processes kept started so a cold start skips process spawn; 0 disables. */
  prewarmProcesses: z.int().min(0).max(64).default(2),
  /** Starts a dynalite (local DynamoDB) on 127.0.0.1 alongside the emulator. */
  dynamodb: z.boolean().default(false),
  /**
   * Counts DynamoDB requests and the request units they consume (`calls()`), through a front that asks dynalite
   * for consumed capacity. Off by default: it adds a hop to every DynamoDB request.
   */
  countDynamoDbCalls: z.boolean().default(false),
  functions: z.array(functionSpecSchema).default([]),
});

export type FunctionSpecInput = z.input<typeof functionSpecSchema>;
export type FunctionSpec = z.output<typeof functionSpecSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export type Settings = z.output<typeof settingsSchema>;
export type EnvironmentKind = z.output<typeof environmentKind>;
export type AliasSpec = z.output<typeof aliasSpec>;

function describeIssues(error: z.ZodError, where: string): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `  ${path}: ${issue.message}`;
  });
  return `${where} is not valid:\n${lines.join('\n')}`;
}

/** Validates settings, naming each bad field; `where` says what was read (a file name, "options"). */
export function parseSettings(input: unknown, where: string): Settings {
  const result = settingsSchema.safeParse(input);
  if (!result.success) throw new EmulatorConfigError(describeIssues(result.error, where), { cause: result.error });
  return result.data;
}

export function parseFunctionSpec(input: unknown, where: string): FunctionSpec {
  const result = functionSpecSchema.safeParse(input);
  if (!result.success) throw new EmulatorConfigError(describeIssues(result.error, where), { cause: result.error });
  return result.data;
}
