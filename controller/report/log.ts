import type { RunReport } from './report';

/** The slice of Powertools Logger the controller uses. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/**
 * One structured line per target outcome (the run id travels as the logger's correlation id): at info level when
 * the target did something this tick (pings, provisioned-concurrency changes, a shortfall), at debug level when it
 * only waited for its next ping. Log ingestion is billed per byte, and most ticks of most targets are waits.
 */
export function logTargets(log: Log, report: RunReport): void {
  for (const target of report.targets) {
    const attributes = {
      tickId: report.tickId,
      target: target.target,
      mode: target.mode,
      window: target.window,
      status: target.status,
      decisions: target.decisions,
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
    else if (acted(target)) log.info('target done', attributes);
    else log.debug('target waited', attributes);
  }
  for (const skipped of report.skipped) log.warn('target skipped', { tickId: report.tickId, ...skipped });
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
