import { randomUUID } from 'node:crypto';
import { EmulatorConfigError } from './errors';

export type FaultKind = 'throttle' | 'latency' | 'error' | 'crash' | 'initFailure';

/**
 * One injected fault. `throttle`, `latency` and `error` apply to any Lambda operation (`Invoke` by default);
 * `crash` (the environment dies mid-invocation) and `initFailure` (the handler's init throws) apply to Invoke
 * and, for `initFailure`, to provisioned-concurrency allocation too.
 */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only this function; every function when omitted. */
  readonly functionName?: string;
  /** Only calls addressing this qualifier (for Invoke, the resolved version also matches). */
  readonly qualifier?: string;
  /** Lambda operation name, e.g. `Invoke`, `GetProvisionedConcurrencyConfig`, or `*`. @default 'Invoke' */
  readonly operation?: string;
  /** Share of matching calls affected, 0–1. @default 1 */
  readonly rate?: number;
  /** Applies at most this many times, then removes itself. */
  readonly count?: number;
  /** For `latency`: delay before the call proceeds. For `crash`: how far into the invocation. @default 0 */
  readonly latencyMs?: number;
  /** For `error`: HTTP status (5xx). @default 500 */
  readonly status?: number;
  readonly message?: string;
}

export interface ActiveFault extends FaultSpec {
  readonly id: string;
  applied: number;
}

export interface FaultMatch {
  readonly operation: string;
  readonly functionName: string | undefined;
  readonly qualifier?: string;
  readonly version?: string;
}

/** Faults injected by tests or `POST /_emulator/faults`. */
export class Faults {
  private readonly faults = new Map<string, ActiveFault>();

  constructor(private readonly random: () => number) {}

  add(spec: FaultSpec): string {
    if (!['throttle', 'latency', 'error', 'crash', 'initFailure'].includes(spec.kind)) {
      throw new EmulatorConfigError(
        `fault kind "${String(spec.kind)}" is unknown; use throttle, latency, error, crash or initFailure`,
      );
    }
    if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) {
      throw new EmulatorConfigError(`fault rate ${spec.rate} is out of range; use a share from 0 to 1`);
    }
    if (spec.status !== undefined && !(spec.status >= 500 && spec.status <= 599)) {
      throw new EmulatorConfigError(`fault status ${spec.status} is not a 5xx status`);
    }
    const id = randomUUID();
    this.faults.set(id, { ...spec, id, applied: 0 });
    return id;
  }

  clear(id?: string): void {
    if (id === undefined) this.faults.clear();
    else this.faults.delete(id);
  }

  list(): ActiveFault[] {
    return [...this.faults.values()].map((fault) => ({ ...fault }));
  }

  /** The faults of `kind` that fire for this call (each rolls its own share and counts itself). */
  fire(kind: FaultKind, match: FaultMatch): ActiveFault | undefined {
    for (const fault of this.faults.values()) {
      if (fault.kind !== kind) continue;
      const operation = fault.operation ?? 'Invoke';
      if (operation !== '*' && operation !== match.operation) continue;
      if (fault.functionName !== undefined && fault.functionName !== match.functionName) continue;
      if (fault.qualifier !== undefined && fault.qualifier !== match.qualifier && fault.qualifier !== match.version) {
        continue;
      }
      if (this.random() >= (fault.rate ?? 1)) continue;
      fault.applied += 1;
      if (fault.count !== undefined && fault.applied >= fault.count) this.faults.delete(fault.id);
      return fault;
    }
    return undefined;
  }
}
