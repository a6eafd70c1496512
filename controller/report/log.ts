import type { RunReport } from './report';

/** The slice of Powertools Logger the controller uses. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** Routine rounds summarised in one `targets warmed` line, at most this many per line (an event holds 256 KB). */
export const WARMED_PER_LINE = 200;

/**
 * One structured line per target outcome (the run id travels as the logger's correlation id): at warn level when the
 * target failed, at info level when it did something worth reading on its own (provisioned-concurrency changes, a
 * shortfall, failed pings, more than one round), at debug level when it only waited for its next ping. A routine
 * round (a single ping decision, every environment wanted proven in one round, no ping failed) is one entry of a
 * `targets warmed` line at info level, and its full line moves to debug. Log ingestion is billed per byte: at 1,000
 * targets the routine rounds were nine tenths of the controller's log bytes, each line carrying the logger's own
 * ~230 bytes of keys.
 */
export function logTargets(log: Log, report: RunReport): void {
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
  for (let start = 0; start < warmed.length; start += WARMED_PER_LINE) {
    log.info('targets warmed', {
      tickId: report.tickId,
      warmed: Object.fromEntries(warmed.slice(start, start + WARMED_PER_LINE)),
    });
  }
  for (const skipped of report.skipped) log.warn('target skipped', { tickId: report.tickId, ...skipped });
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
