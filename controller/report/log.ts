import type { RunReport } from './report';

/** The slice of Powertools Logger the controller uses. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/**
 * Routine rounds summarised in the `tick done` line, at most this many (an event holds 256 KB); any more go in
 * `targets warmed` lines of as many each.
 */
export const WARMED_PER_LINE = 200;

/** Routine rounds by target: `"api:live": "proven 1/1, cold 0, pings 1"`. */
export type Warmed = Record<string, string>;

/**
 * One structured line per target outcome (the run id travels as the logger's correlation id): at warn level when the
 * target failed, at info level when it did something worth reading on its own (provisioned-concurrency changes, a
 * shortfall, failed pings, more than one round), at debug level when it only waited for its next ping. A routine
 * round (a single ping decision, every environment wanted proven in one round, no ping failed) is one entry of the
 * routine rounds returned for the `tick done` line (tickDone), and its full line moves to debug. Log ingestion is
 * billed per byte: at 1,000 targets the routine rounds were nine tenths of the controller's log bytes, each line
 * carrying the logger's own ~230 bytes of keys, which a line of their own would pay once more every tick.
 */
export function logTargets(log: Log, report: RunReport): Warmed {
  const warmed: Array<[string, string]> = [];
  for (const target of report.targets) {
    const attributes = {
      tickId: report.tickId,
      target: target.target,
      mode: target.mode,
      window: target.window,
      status: target.status,
      decisions: target.decisions,
      // What the round saw, beside a forecast to set it against: on every line it would be bytes ingested for nothing.
      ...(target.forecast
        ? { forecast: target.forecast, ...(target.warm?.seen ? { seen: target.warm.seen } : {}) }
        : {}),
      ...(target.warm
        ? {
            wanted: target.warm.wanted,
            proven: target.warm.proven,
            cold: target.warm.cold,
            shortfall: target.warm.shortfall,
            pingsSent: target.warm.pingsSent,
            rounds: target.warm.rounds,
            outcomes: target.warm.outcomes,
            stoppedBy: target.warm.stoppedBy,
          }
        : {}),
      ...(target.provisioned ? { provisioned: target.provisioned } : {}),
      ...(target.failure ? { failure: target.failure } : {}),
    };
    if (target.status === 'failed') log.warn('target failed', attributes);
    else if (routine(target)) {
      warmed.push([target.target, warmedText(target.warm!)]);
      log.debug('target done', attributes);
    } else if (acted(target)) log.info('target done', attributes);
    else log.debug('target waited', attributes);
  }
  for (let start = WARMED_PER_LINE; start < warmed.length; start += WARMED_PER_LINE) {
    log.info('targets warmed', {
      tickId: report.tickId,
      warmed: Object.fromEntries(warmed.slice(start, start + WARMED_PER_LINE)),
    });
  }
  for (const skipped of report.skipped) log.warn('target skipped', { tickId: report.tickId, ...skipped });
  return Object.fromEntries(warmed.slice(0, WARMED_PER_LINE));
}

/** Only the entries that are not zero, nested objects alike (an object left empty goes too). */
function nonZero(counts: object): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(counts)) {
    if (value === 0 || value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner = nonZero(value);
      if (Object.keys(inner).length > 0) kept[name] = inner;
    } else kept[name] = value;
  }
  return kept;
}

/**
 * The `tick done` line, every tick's run summary: its status, its duration, its totals and the routine rounds
 * (logTargets). Every tick writes it, so it says only what is not zero: the counts missing from `totals` are zero, as
 * are `skipped` and `events` when absent; `shard` shows only on a tick split into shards. The EventBridge event
 * carries the whole report, zeros included.
 */
export function tickDone(report: RunReport, warmed: Warmed): Record<string, unknown> {
  return {
    tickId: report.tickId,
    status: report.status,
    ...(report.shard.of > 1 ? { shard: report.shard } : {}),
    durationMs: report.durationMs,
    totals: nonZero(report.totals),
    ...(report.skipped.length > 0 ? { skipped: report.skipped.length } : {}),
    ...(report.events.published + report.events.failed > 0 ? { events: report.events } : {}),
    ...(Object.keys(warmed).length > 0 ? { warmed } : {}),
  };
}

/** A round that went as planned: one ping decision, one round, everything wanted proven, every ping answered. */
function routine(target: RunReport['targets'][number]): boolean {
  const warm = target.warm;
  return (
    warm !== undefined &&
    warm.pingsSent > 0 &&
    warm.rounds === 1 &&
    warm.shortfall === 0 &&
    warm.failures === 0 &&
    warm.stoppedBy === 'proven' &&
    target.decisions.length === 1 &&
    target.decisions[0]?.kind === 'ping' &&
    (target.provisioned?.changes.length ?? 0) === 0 &&
    target.short === undefined &&
    target.failure === undefined
  );
}

/** `proven 2/2, cold 1, pings 3`: what a routine round did, short enough for hundreds of targets in a line. */
function warmedText(warm: NonNullable<RunReport['targets'][number]['warm']>): string {
  return `proven ${warm.proven}/${warm.wanted}, cold ${warm.cold}, pings ${warm.pingsSent}`;
}

function acted(target: RunReport['targets'][number]): boolean {
  return (
    (target.warm?.pingsSent ?? 0) > 0 ||
    (target.warm?.shortfall ?? 0) > 0 ||
    (target.provisioned?.changes.length ?? 0) > 0 ||
    target.short !== undefined ||
    target.failure !== undefined
  );
}

/** A Log that keeps lines in memory (tests, CLI). */
export class MemoryLog implements Log {
  readonly lines: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> = [];
  debug(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'debug', message, ...(attributes ? { attributes } : {}) });
  }
  info(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, ...(attributes ? { attributes } : {}) });
  }
  warn(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, ...(attributes ? { attributes } : {}) });
  }
  error(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, ...(attributes ? { attributes } : {}) });
  }
}
