/**
 * A target's item in the state table, read through a schema. An item written by an older version, edited by hand
 * or damaged must not throw on every tick (a `history` that is not a list broke every save, so the target was
 * pinged every tick): each attribute that does not read is dropped, the item is marked corrupt (reported once, by
 * the tick that loads it) and the next save rebuilds it from what that tick observed. The records, facts, settled
 * copy and traffic history come from the item's packed body (packed-body.ts), or, in an item written before packing,
 * from one JSON string attribute each; a packed body that does not read drops all four.
 *
 * The ownership record (`managed`) is the exception: an unreadable one is not dropped but kept aside, as its raw
 * text in `managedUnreadable`, and Thermostat owns nothing on the strength of it. The planner then treats whatever
 * is deployed on the qualifier as another owner's (left alone and reported, never deleted), because the record
 * cannot prove what Thermostat wrote; and the raw text stays in the table until Thermostat writes a new record for
 * the qualifier, so nothing it may have created is forgotten.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import type { ManagedRecord } from '../plan';
import { type PackedPart, unpackBody } from './packed-body';
import type { SettledCopy, StateCorruption, TargetState } from './store';

const count = z.number().check(z.refine(Number.isFinite));

const PingRecordSchema = z.object({
  at: count,
  wanted: count,
  proven: count,
  cold: count,
  pings: count,
  stoppedBy: z.string(),
});

// Loose objects: fields a newer version adds to the record survive a read by this one.
const ManagedSchema = z.looseObject({
  function: z.string(),
  qualifier: z.optional(z.string()),
  provisioned: z.optional(
    z.union([
      z.looseObject({ strategy: z.literal('direct'), value: count }),
      z.looseObject({
        strategy: z.literal('autoscaling'),
        min: count,
        max: count,
        utilization: count,
        ownsConfig: z.optional(z.boolean()),
      }),
    ]),
  ),
  adopted: z.optional(z.boolean()),
  since: count,
});

const FactsSchema = z.looseObject({
  memoryMb: z.optional(count),
  architecture: z.optional(z.enum(['x86_64', 'arm64'])),
  timeoutMs: z.optional(count),
  reservedConcurrency: z.nullable(count),
  snapStart: z.boolean(),
  version: z.optional(z.string()),
  at: count,
});

const SettledSchema = z.looseObject({
  at: count,
  provisioned: z.nullable(
    z.looseObject({ requested: count, allocated: count, available: count, status: z.literal('READY') }),
  ),
  alias: z.optional(z.looseObject({ weighted: z.literal(false), version: z.optional(z.string()) })),
});

const SeenEnvironmentSchema = z.looseObject({
  envId: z.string(),
  initAt: z.optional(count),
  ratePerMinute: count,
  lastRealAt: z.nullable(count),
  realServed: count,
  longestIdleMs: z.optional(count),
  shortestIdleMs: z.optional(count),
});

/** The demand model's traffic history (controller/plan/traffic.ts). */
const TrafficSchema = z.looseObject({
  at: count,
  environments: z.array(SeenEnvironmentSchema),
  idleTimes: z.array(count),
  load: z.optional(count),
  peak: z.optional(count),
  metricsRate: z.optional(count),
  loadSource: z.optional(z.enum(['proofs', 'metrics'])),
  metricsAt: z.optional(count),
  readLoads: z.optional(z.array(count)),
  burst: z.optional(z.looseObject({ environments: count, at: count })),
  outgrown: z.optional(z.looseObject({ at: count, since: count })),
  lastRealAt: z.optional(count),
  initMs: z.optional(count),
  meanRequestMs: z.optional(count),
  probe: z.optional(
    z.looseObject({
      at: count,
      ratePerMinute: count,
      lastRealAt: z.nullable(count),
      overMs: z.optional(count),
      envId: z.optional(z.string()),
      realServed: z.optional(count),
      gaps: z.optional(z.looseObject({ count, longestMs: count, shortestMs: count })),
    }),
  ),
});

type Item = Record<string, AttributeValue>;

/** What `value` reads as through `schema`; `problem` says why not. */
function checked<S extends z.ZodMiniType>(
  value: unknown,
  schema: S,
  what: string,
): { value?: z.infer<S>; problem?: string } {
  if (value === undefined) return {};
  const result = schema.safeParse(value);
  return result.success ? { value: result.data } : { problem: `not ${what}` };
}

/** The JSON in a string attribute, checked by `schema`; `problem` says why not. */
function json<S extends z.ZodMiniType>(
  attribute: AttributeValue | undefined,
  schema: S,
  what: string,
): { value?: z.infer<S>; problem?: string } {
  if (attribute === undefined) return {};
  if (attribute.S === undefined) return { problem: `not a string holding ${what}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(attribute.S);
  } catch {
    return { problem: 'not JSON' };
  }
  return checked(parsed, schema, what);
}

/**
 * The packed parts of an item (packed-body.ts), each checked by its schema; an item written before packing holds
 * each as a JSON string attribute of its own, read as such.
 */
function packedParts(item: Item): {
  readonly problem?: string;
  readonly read: <S extends z.ZodMiniType>(
    part: PackedPart,
    schema: S,
    what: string,
  ) => { value?: z.infer<S>; problem?: string };
} {
  const packed = item.packed;
  if (packed === undefined) return { read: (part, schema, what) => json(item[part], schema, what) };
  const unpacked = packed.B === undefined ? { problem: 'not binary' } : unpackBody(packed.B);
  if ('problem' in unpacked) return { problem: unpacked.problem, read: () => ({}) };
  return { read: (part, schema, what) => checked(unpacked.parts[part], schema, what) };
}

/** A number attribute; anything else there is a problem. */
function number(attribute: AttributeValue | undefined): { value?: number; problem?: string } {
  if (attribute === undefined) return {};
  const value = attribute.N === undefined ? Number.NaN : Number(attribute.N);
  return Number.isFinite(value) ? { value } : { problem: 'not a number' };
}

/** The raw text of an attribute, to keep aside. */
const raw = (attribute: AttributeValue): string => attribute.S ?? JSON.stringify(attribute);

/**
 * Reads a target item. `ceiling` is the newest tick id acceptable now (a stored `lastTick` beyond it is corrupt).
 * Never throws: what does not read is dropped and listed in `corrupt`.
 */
export function readTargetItem(item: Item, key: string, ceiling: string): TargetState {
  const problems: string[] = [];
  const fields: string[] = [];
  const note = (field: string, problem: string | undefined) => {
    if (problem === undefined) return;
    fields.push(field);
    problems.push(`${field} (${problem})`);
  };

  let lastTick: string | undefined;
  const tick = item.lastTick;
  if (tick !== undefined) {
    if (tick.S === undefined) note('lastTick', 'not a tick id');
    else if (tick.S > ceiling) note('lastTick', `${JSON.stringify(tick.S.slice(0, 40))} is in the future`);
    else lastTick = tick.S;
  }

  const body = packedParts(item);
  note('packed', body.problem);
  const history = body.read('history', z.array(PingRecordSchema), 'a list of ping records');
  note('history', history.problem);
  const facts = body.read('facts', FactsSchema, 'function facts');
  note('facts', facts.problem);
  const settled = body.read('settled', SettledSchema, 'a settled copy');
  note('settled', settled.problem);
  const traffic = body.read('traffic', TrafficSchema, 'a traffic history');
  note('traffic', traffic.problem);
  const numbers = {
    lastPingAt: number(item.lastPingAt),
    lastWanted: number(item.lastWanted),
    lastProven: number(item.lastProven),
  };
  for (const [field, read] of Object.entries(numbers)) note(field, read.problem);

  const managed = json(item.managed, ManagedSchema, 'an ownership record');
  note('managed', managed.problem && `${managed.problem}; kept aside, nothing owned on its strength`);
  let unreadableManaged = item.managedUnreadable?.S;
  if (managed.problem !== undefined) unreadableManaged = raw(item.managed!);

  const corrupt: StateCorruption | undefined =
    problems.length === 0
      ? undefined
      : {
          kind: 'state-corrupt',
          key,
          fields,
          message: `the state of ${key} could not be read: ${problems.join(', ')}; rebuilt from what this tick observes`,
        };
  return {
    key,
    history: history.value ?? [],
    ...(lastTick !== undefined ? { lastTick } : {}),
    ...(numbers.lastPingAt.value !== undefined ? { lastPingAt: numbers.lastPingAt.value } : {}),
    ...(numbers.lastWanted.value !== undefined ? { lastWanted: numbers.lastWanted.value } : {}),
    ...(numbers.lastProven.value !== undefined ? { lastProven: numbers.lastProven.value } : {}),
    ...(managed.value !== undefined ? { managed: managed.value as ManagedRecord } : {}),
    ...(facts.value !== undefined ? { facts: facts.value as NonNullable<TargetState['facts']> } : {}),
    ...(settled.value !== undefined ? { settled: settled.value as SettledCopy } : {}),
    ...(traffic.value !== undefined ? { traffic: traffic.value as NonNullable<TargetState['traffic']> } : {}),
    ...(unreadableManaged !== undefined && managed.value === undefined ? { unreadableManaged } : {}),
    ...(corrupt ? { corrupt } : {}),
  };
}
