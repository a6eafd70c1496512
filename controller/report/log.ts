import type { RunReport } from './report';

/** The slice of Powertools Logger the controller uses. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** One structured line per target outcome (the run id travels as the logger's correlation id). */
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
    else log.info('target done', attributes);
  }
  for (const skipped of report.skipped) log.warn('target skipped', { tickId: report.tickId, ...skipped });
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
