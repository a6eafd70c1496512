/**
 * The policy document, defined once with zod/mini (small in the controller bundle) and shared by the CLI, the
 * construct and the controller. The schema checks each field on its own; rules that span fields, or depend on the
 * set's defaults, live in rules.ts and run after the defaults are merged.
 *
 * Policies stay plain JSON data (durations remain strings like "5m"), so a parsed policy can be serialised into the
 * controller's configuration and parsed again unchanged.
 */
import * as z from 'zod/mini';
import { type DurationError, formatDuration, parseDuration } from './duration';
import { functionProblem, qualifierProblem } from './function-name';
import { expected, hint, oneOf } from './messages';
import { shareHint } from './share-hint';
import { isTimeZone, unknownTimeZone } from './timezone';

export const MODES = ['warm', 'provisioned', 'auto', 'off'] as const;
export const PAYLOAD_FLAVOURS = ['thermostat', 'serverless-plugin-warmup', 'lambda-warmer', 'middy'] as const;
export const STRATEGIES = ['direct', 'autoscaling'] as const;
export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Limits the schema enforces; exported so messages, docs and tests quote the same numbers. */
export const LIMITS = {
  concurrency: { min: 1, max: 1000 },
  intervalMs: { min: 60_000, max: 3_600_000 },
  holdMs: { min: 50, max: 10_000 },
  provisioned: { min: 0, max: 10_000 },
  utilization: { min: 0.1, max: 0.9 },
  maxConcurrency: { min: 1, max: 100_000 },
  memoryMb: { min: 128, max: 10_240 },
  maxEnvironments: { min: 1, max: 1000 },
  maxMonthlyUsd: { min: 0, max: 1_000_000 },
} as const;

/** What applies when neither the policy nor the set's defaults say. */
export const BUILTIN_DEFAULTS = {
  mode: 'warm',
  timezone: 'UTC',
  warm: { concurrency: 1, interval: '5m', holdMs: 100, payload: 'thermostat' },
  provisioned: { min: 0, utilization: 0.7, strategy: 'direct', adopt: false },
  budget: { maxShare: 0.2 },
  auto: { maxEnvironments: 10 },
  /** Warm share auto mode aims for, and the stricter one warm mode needs before it lets traffic replace pings. */
  objective: { autoWarmRatio: 0.99, warmModeWarmRatio: 0.999 },
} as const;

/**
 * Longest text accepted per string field, checked first and alone (`abort`): the other checks of a field (time
 * zone lookup, duration parsing, "did you mean") then never see a megabyte-long value.
 */
export const STRING_LIMITS = {
  function: 200,
  qualifier: 128,
  timezone: 64,
  windowName: 128,
  duration: 64,
  schemaUrl: 2_048,
} as const;

function capped(max: number) {
  return z.maxLength(max, {
    error: (issue) => `too long (${(issue.input as string).length} characters); at most ${max}`,
    abort: true,
  });
}

const describe = (description: string, extra: Record<string, unknown> = {}) => z.meta({ description, ...extra });

function wholeNumber(min: number, max: number, description: string, extra: Record<string, unknown> = {}) {
  const error = expected(`a whole number from ${min} to ${max}`);
  return z.int({ error }).check(z.gte(min, { error }), z.lte(max, { error }), describe(description, extra));
}

function fraction(
  bounds: { min: number; max: number; exclusiveMin?: boolean },
  description: string,
  extra: Record<string, unknown> = {},
) {
  const lower = bounds.exclusiveMin ? `above ${bounds.min}` : `from ${bounds.min}`;
  const error = expected(`a number ${lower} to ${bounds.max}`, shareHint);
  const low = bounds.exclusiveMin ? z.gt(bounds.min, { error }) : z.gte(bounds.min, { error });
  return z.number({ error }).check(low, z.lte(bounds.max, { error }), describe(description, extra));
}

function duration(min: number, max: number, meaning: string, extra: Record<string, unknown> = {}) {
  const range = `from ${formatDuration(min)} to ${formatDuration(max)}`;
  const description = `${meaning} A duration ${range}.`;
  const unitHint = (input: unknown) => (typeof input === 'number' ? `; add a unit, e.g. "${input}m"` : '');
  return z.string({ error: expected(`a duration such as "5m" (${range})`, unitHint) }).check(
    capped(STRING_LIMITS.duration),
    z.check<string>((ctx) => {
      let ms: number;
      try {
        ms = parseDuration(ctx.value);
      } catch (error) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: (error as DurationError).message });
        return;
      }
      if (ms < min || ms > max)
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `"${ctx.value}" is too ${ms < min ? 'short' : 'long'}; expected a duration ${range}`,
        });
    }),
    describe(description, { pattern: '^\\s*(\\d+(\\.\\d+)?\\s*(d|h|m|s|ms)\\s*)+$', ...extra }),
  );
}

const TimeZone = z.string({ error: expected('an IANA time zone such as "Europe/Paris"') }).check(
  capped(STRING_LIMITS.timezone),
  z.check<string>((ctx) => {
    if (!isTimeZone(ctx.value))
      ctx.issues.push({ code: 'custom', input: ctx.value, message: unknownTimeZone(ctx.value) });
  }),
);

export const ModeSchema = z.enum(MODES, { error: oneOf(MODES) });

const PayloadSchema = z.union(
  [
    z.enum(PAYLOAD_FLAVOURS),
    z.strictObject({
      custom: z.unknown().check(
        z.refine((value) => value !== undefined, { error: 'missing; expected the JSON payload to send' }),
        describe('The exact JSON event sent with every ping; the function must recognise it itself.'),
      ),
    }),
  ],
  {
    error: expected(`one of ${PAYLOAD_FLAVOURS.join(', ')} or { custom: <JSON> }`, (input) =>
      hint(input, PAYLOAD_FLAVOURS),
    ),
  },
);

export const WarmSchema = z.strictObject({
  concurrency: z.optional(
    wholeNumber(
      LIMITS.concurrency.min,
      LIMITS.concurrency.max,
      'Distinct execution environments to keep warm; each ping proves it landed on a different one.',
      { default: BUILTIN_DEFAULTS.warm.concurrency },
    ),
  ),
  interval: z.optional(
    duration(
      LIMITS.intervalMs.min,
      LIMITS.intervalMs.max,
      'How often to ping. Lambda reclaims idle environments after minutes, so longer gaps warm nothing.',
      { default: BUILTIN_DEFAULTS.warm.interval },
    ),
  ),
  holdMs: z.optional(
    wholeNumber(
      LIMITS.holdMs.min,
      LIMITS.holdMs.max,
      'Milliseconds each ping holds its environment so the pings of a round overlap. It only has to cover dispatch skew (the controller adds time per ping and for expected cold starts); a real request arriving during a hold starts a cold environment, so keep it short.',
      { default: BUILTIN_DEFAULTS.warm.holdMs },
    ),
  ),
  payload: z.optional(
    PayloadSchema.check(
      describe(
        'The ping event: thermostat (default), a compatibility flavour for functions that already detect serverless-plugin-warmup, lambda-warmer or @middy/warmup pings, or { custom: <JSON> }.',
        { default: BUILTIN_DEFAULTS.warm.payload },
      ),
    ),
  ),
});

export const ProvisionedSchema = z.strictObject({
  min: z.optional(
    wholeNumber(
      LIMITS.provisioned.min,
      LIMITS.provisioned.max,
      'Provisioned concurrency to keep at least (0 removes the configuration Thermostat manages).',
      { default: BUILTIN_DEFAULTS.provisioned.min },
    ),
  ),
  max: z.optional(
    wholeNumber(
      LIMITS.provisioned.min,
      LIMITS.provisioned.max,
      'Upper bound for autoscaling; must be >= min. Defaults to min (a fixed amount).',
    ),
  ),
  utilization: z.optional(
    fraction(LIMITS.utilization, 'Target utilisation for target tracking (0.1 to 0.9).', {
      default: BUILTIN_DEFAULTS.provisioned.utilization,
    }),
  ),
  strategy: z.optional(
    z
      .enum(STRATEGIES, { error: oneOf(STRATEGIES) })
      .check(
        describe(
          'direct: PutProvisionedConcurrencyConfig with the computed amount; autoscaling: an Application Auto Scaling target and target-tracking policy.',
          { default: BUILTIN_DEFAULTS.provisioned.strategy },
        ),
      ),
  ),
  adopt: z.optional(
    z
      .boolean({ error: expected('true or false') })
      .check(
        describe(
          'Take over a provisioned-concurrency configuration or scalable target that something else created; otherwise Thermostat leaves it alone and reports it.',
          { default: BUILTIN_DEFAULTS.provisioned.adopt },
        ),
      ),
  ),
});

export const BudgetSchema = z.strictObject({
  maxConcurrency: z.optional(
    wholeNumber(
      LIMITS.maxConcurrency.min,
      LIMITS.maxConcurrency.max,
      'The most concurrency warming (pings and provisioned concurrency) may use for this function.',
    ),
  ),
  maxShare: z.optional(
    fraction(
      { min: 0, max: 1, exclusiveMin: true },
      "The most of the account's unreserved concurrency warming may use, as a share (0.1 = 10%). The default applies only when the budget sets neither limit.",
      { default: BUILTIN_DEFAULTS.budget.maxShare },
    ),
  ),
});

export const AutoSchema = z.strictObject({
  maxEnvironments: z.optional(
    wholeNumber(
      LIMITS.maxEnvironments.min,
      LIMITS.maxEnvironments.max,
      'The most environments auto mode keeps warm with pings, however much traffic it forecasts (provisioned.max caps provisioned concurrency).',
      { default: BUILTIN_DEFAULTS.auto.maxEnvironments },
    ),
  ),
  expectedUtilization: z.optional(
    fraction(
      { min: 0, max: 1 },
      'Hint used until traffic has been seen: the expected busy share (0 to 1) of auto.maxEnvironments environments; afterwards the load is learned from ping proofs and, where provisioned concurrency is at stake, CloudWatch.',
    ),
  ),
  memoryMb: z.optional(
    wholeNumber(
      LIMITS.memoryMb.min,
      LIMITS.memoryMb.max,
      'Memory of the function for the cost model, when it cannot be observed.',
    ),
  ),
  architecture: z.optional(
    z
      .enum(ARCHITECTURES, { error: oneOf(ARCHITECTURES) })
      .check(describe('Architecture of the function for the cost model, when it cannot be observed.')),
  ),
});

export const ObjectiveSchema = z.strictObject({
  warmRatio: z.optional(
    fraction(
      { min: 0, max: 1, exclusiveMin: true },
      'Share of invocations that should start warm. Auto mode keeps as many environments warm as the forecast traffic needs to reach it (default 0.99 there); warm mode skips pings only when traffic alone keeps this share warm (default 0.999 there); the construct alarms below it.',
    ),
  ),
  maxMonthlyUsd: z.optional(
    z.number({ error: expected(`a number of dollars from 0 to ${LIMITS.maxMonthlyUsd.max}`) }).check(
      z.gte(LIMITS.maxMonthlyUsd.min, {
        error: expected(`a number of dollars from 0 to ${LIMITS.maxMonthlyUsd.max}`),
      }),
      z.lte(LIMITS.maxMonthlyUsd.max, {
        error: expected(`a number of dollars from 0 to ${LIMITS.maxMonthlyUsd.max}`),
      }),
      describe(
        "Auto mode's ceiling on this function's warming overhead (pings and provisioned concurrency beyond what on-demand would cost), in USD per 730-hour month: fewer environments are kept warm when the forecast cost would exceed it.",
      ),
    ),
  ),
});

const TIME = /^([01]?\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(([01]?\d|2[0-3]):[0-5]\d|24:00)$/;

function timeOfDay(pattern: RegExp, allowed: string, description: string) {
  const error = expected(`a time ${allowed}`);
  return z.string({ error }).check(z.regex(pattern, { error }), describe(description, { pattern: pattern.source }));
}

export const WindowSchema = z.strictObject({
  name: z
    .string({ error: expected('a name for the window, e.g. business-hours') })
    .check(
      capped(STRING_LIMITS.windowName),
      z.minLength(1, { error: 'must not be empty; name the window, e.g. business-hours' }),
      describe('Name reported by plans and metrics while the window applies.'),
    ),
  days: z.optional(
    z
      .array(z.enum(DAYS, { error: oneOf(DAYS) }), {
        error: expected(`a list of days such as [mon, tue, wed, thu, fri]`),
      })
      .check(
        z.minLength(1, { error: 'must list at least one day; leave days out for every day' }),
        describe('Days of week on which the window starts (in its time zone); default every day.'),
      ),
  ),
  from: timeOfDay(
    TIME,
    '"HH:MM" from "00:00" to "23:59" (24-hour clock, quoted)',
    'Local start time, "HH:MM" from "00:00" to "23:59" (24-hour clock; quote it in YAML).',
  ),
  to: timeOfDay(
    END_TIME,
    '"HH:MM" from "00:00" to "24:00" (24-hour clock, quoted)',
    'Local end time (exclusive), "HH:MM" from "00:00" to "24:00". Earlier than from means the window runs overnight into the next day; equal to from is rejected.',
  ),
  timezone: z.optional(TimeZone.check(describe("IANA time zone of from/to; default the policy's timezone."))),
  mode: z.optional(ModeSchema.check(describe('Mode while the window applies.'))),
  warm: z.optional(WarmSchema.check(describe("Warm settings merged over the policy's while the window applies."))),
  provisioned: z.optional(
    ProvisionedSchema.check(describe("Provisioned settings merged over the policy's while the window applies.")),
  ),
  budget: z.optional(BudgetSchema.check(describe("Budget merged over the policy's while the window applies."))),
});

const settingsShape = {
  mode: z.optional(
    ModeSchema.check(
      describe(
        'warm: concurrent pings; provisioned: provisioned concurrency; auto: whichever the cost model finds cheaper; off: leave the function alone.',
        { default: BUILTIN_DEFAULTS.mode },
      ),
    ),
  ),
  timezone: z.optional(
    TimeZone.check(
      describe('IANA time zone for the windows, e.g. Europe/Paris.', { default: BUILTIN_DEFAULTS.timezone }),
    ),
  ),
  warm: z.optional(WarmSchema.check(describe('How pings keep environments warm (mode warm, or auto).'))),
  provisioned: z.optional(
    ProvisionedSchema.check(describe('Provisioned concurrency settings (mode provisioned, or auto).')),
  ),
  budget: z.optional(BudgetSchema.check(describe('Caps on the account concurrency warming may use.'))),
  auto: z.optional(AutoSchema.check(describe('Caps and hints for mode auto.'))),
  objective: z.optional(
    ObjectiveSchema.check(describe('Service objective: the warm share auto mode aims for and the alarms watch.')),
  ),
  windows: z.optional(
    z
      .array(WindowSchema, { error: expected('a list of windows') })
      .check(
        describe(
          'Ordered time windows that override the base settings; the first window that contains the instant wins.',
        ),
      ),
  ),
};

/** Settings every policy of a set inherits (a `defaults:` document): any policy field but function and qualifier. */
export const DefaultsSchema = z.strictObject(settingsShape);

// JSON files name their schema with a `$schema` key (YAML files use a comment); it is allowed and ignored.
const schemaKey = z.optional(
  z
    .string({ error: expected('the URL or path of the JSON Schema') })
    .check(capped(STRING_LIMITS.schemaUrl), describe('JSON Schema of this file, for editors; ignored.')),
);

/** One policy: the settings for one function (and qualifier). */
export const PolicySchema = z.strictObject({
  $schema: schemaKey,
  function: z.string({ error: expected('the function name or full ARN, e.g. checkout-api') }).check(
    capped(STRING_LIMITS.function),
    z.check<string>((ctx) => {
      const problem = functionProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
    }),
    describe('The function to keep warm: its name or full ARN (put an alias or version in qualifier).'),
  ),
  qualifier: z.optional(
    z
      .string({
        error: expected('an alias or version as a string', (input) =>
          typeof input === 'number' ? `; quote version numbers: qualifier: "${input}"` : '',
        ),
      })
      .check(
        capped(STRING_LIMITS.qualifier),
        z.check<string>((ctx) => {
          const problem = qualifierProblem(ctx.value);
          if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
        }),
        describe('Alias or version to warm; required by modes provisioned and auto, which Lambda refuses on $LATEST.', {
          default: '$LATEST',
        }),
      ),
  ),
  ...settingsShape,
});

/** A document that holds only `defaults:`. */
export const DefaultsDocumentSchema = z.strictObject({
  $schema: schemaKey,
  defaults: DefaultsSchema.check(
    describe('Settings every policy in the set inherits; each policy may override any of them.'),
  ),
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyDefaults = z.infer<typeof DefaultsSchema>;
export type PolicyWindow = z.infer<typeof WindowSchema>;
export type WarmPolicy = z.infer<typeof WarmSchema>;
export type ProvisionedPolicy = z.infer<typeof ProvisionedSchema>;
export type BudgetPolicy = z.infer<typeof BudgetSchema>;
export type Mode = (typeof MODES)[number];
export type PayloadFlavour = (typeof PAYLOAD_FLAVOURS)[number];
export type Day = (typeof DAYS)[number];
