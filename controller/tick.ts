/**
 * Which tick an invocation is. The tick id comes from the scheduled time, so every delivery of the same schedule
 * (EventBridge may deliver twice; async invokes are retried) has the same id and only the first one acts.
 */
export interface Tick {
  /** ISO 8601 to the second, e.g. `2026-11-23T10:05:00Z`; ordered as strings are. */
  readonly id: string;
  /** Epoch ms the tick stands for: planning happens at this instant. */
  readonly scheduledAt: number;
  readonly shard?: { readonly index: number; readonly of: number };
  /**
   * Keys that had an ownership intent when the root listed the table before starting the shards: a shard reads
   * the intents of those keys only (usually none) instead of one per target. Absent: every key's is read.
   */
  readonly intentKeys?: readonly string[];
  /**
   * A tick nobody scheduled (the warm-up after a deployment, a manual run): it looks at every target, so a shard
   * spares none of those its ledger holds quiet.
   */
  readonly unscheduled?: true;
}

/** The payload a controller sends to itself to run one shard of a tick. */
export interface ShardEvent {
  readonly thermostatShard: {
    readonly tickId: string;
    readonly scheduledAt: number;
    readonly index: number;
    readonly of: number;
    /** See Tick.intentKeys. */
    readonly intentKeys?: readonly string[];
    /** See Tick.unscheduled. */
    readonly unscheduled?: true;
  };
}

export function tickId(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function instant(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Reads the invocation event: a shard event, a scheduled event (EventBridge rule `time`, or Scheduler input with
 * `time`/`scheduledTime` from `<aws.scheduler.scheduled-time>`), or anything else (a manual run: the current second).
 */
export function readTick(event: unknown, now: number): Tick {
  if (isRecord(event) && isRecord(event.thermostatShard)) {
    const { tickId: id, scheduledAt, index, of, intentKeys, unscheduled } = event.thermostatShard;
    if (
      typeof id === 'string' &&
      typeof scheduledAt === 'number' &&
      Number.isInteger(index) &&
      Number.isInteger(of) &&
      (index as number) >= 0 &&
      (index as number) < (of as number)
    ) {
      const keys =
        Array.isArray(intentKeys) && intentKeys.every((key) => typeof key === 'string')
          ? { intentKeys: intentKeys as string[] }
          : {};
      const shard = { index: index as number, of: of as number };
      return { id, scheduledAt, shard, ...keys, ...(unscheduled === true ? { unscheduled: true as const } : {}) };
    }
  }
  if (isRecord(event)) {
    const scheduled = instant(event.time) ?? instant(event.scheduledTime) ?? instant(event['scheduled-time']);
    if (scheduled !== undefined) return { id: tickId(scheduled), scheduledAt: Math.floor(scheduled / 1000) * 1000 };
  }
  return { id: tickId(now), scheduledAt: Math.floor(now / 1000) * 1000, unscheduled: true };
}

/** Each key's shard out of `of`: round-robin over the sorted keys, stable for a given policy set. */
export function shardIndexes(keys: readonly string[], of: number): Map<string, number> {
  return new Map([...keys].sort().map((key, position) => [key, position % of]));
}

/**
 * The shards the root runs itself, from how many targets of each have something to do this tick (`due[i]` for shard
 * i): shard 0, then each further one in order while their due targets together fit one invocation (`shardSize`). A
 * shard whose targets are mostly quiet costs an invocation and a claim of its own for a few targets; run here, it
 * costs their share of this invocation.
 */
export function localShards(due: readonly number[], shardSize: number): Set<number> {
  const local = new Set([0]);
  let load = due[0] ?? 0;
  for (let index = 1; index < due.length; index++) {
    if (load + due[index] > shardSize) continue;
    local.add(index);
    load += due[index];
  }
  return local;
}
