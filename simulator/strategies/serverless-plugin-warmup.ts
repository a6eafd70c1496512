import type { Architecture } from '../../controller/cost';
import {
  cpuBoundMs,
  handlerCpuMs,
  INIT_AT_REFERENCE_MS,
  WARMER_FIRST_CALL_CPU_MS,
  WARMER_INVOCATION_CPU_MS,
  WARMER_INVOCATION_LOG_BYTES,
  WARMER_PING_CPU_MS,
  WARMER_TARGET_LOG_BYTES,
} from '../model/options';
import { fanOut } from './fan-out';
import { RoundTally } from './round-tally';
import { type Strategy, warmTarget } from './types';

/** The memory serverless-plugin-warmup 8.4.1 gives its warmer function by default. */
export const WARMER_MEMORY_MB = 128;

export interface ServerlessPluginWarmupOptions {
  /**
   * How long the target's ping branch waits before returning: the README's `setTimeout(r, 25)` suggestion.
   * Use 0 for targets that follow @middy/warmup, which returns at once.
   * @default 25
   */
  readonly holdMs?: number;
  /** The generated warmer's client keeps the SDK default of 50 sockets per host. @default 50 */
  readonly maxSockets?: number;
  /** The warmer function (8.4.1 defaults: 128 MB, x86_64). */
  readonly warmerMemoryMb?: number;
  readonly warmerArchitecture?: Architecture;
  /** Warmer time outside the invokes (handler start, logging). @default WARMER_INVOCATION_CPU_MS at `warmerMemoryMb` */
  readonly warmerOverheadMs?: number;
  /**
   * The warmer's time per invoke it sends (CPU-bound: its invokes leave one after another).
   * @default WARMER_PING_CPU_MS at `warmerMemoryMb`
   */
  readonly warmerDispatchMs?: number;
  /**
   * INIT of the warmer when it finds no warm environment (billed since August 2025): `benchmarks/init.ts` measures
   * loading it as fast as Thermostat's controller on the same CPU, so both take INIT_AT_REFERENCE_MS at
   * CPU_REFERENCE_MB; module loading is CPU-bound, so it scales to the warmer's memory.
   * @default 150 ms at CPU_REFERENCE_MB, scaled to `warmerMemoryMb` (600 ms at 128 MB)
   */
  readonly warmerInitMs?: number;
  /**
   * What its first invocation in a new environment takes beyond a warm one (ControllerInvocation.firstCallMs).
   * @default WARMER_FIRST_CALL_CPU_MS at `warmerMemoryMb`
   */
  readonly warmerFirstCallMs?: number;
}

/**
 * serverless-plugin-warmup 8.4.1: one warmer Lambda per schedule (`rate(5 minutes)` by default) invokes every
 * enabled function `concurrency` times at once with identical payloads, RequestResponse, through one SDK client
 * (50 sockets per host, shared by all targets). Nothing holds the pings together except the target's own short
 * wait, so pings that do not overlap land on the same environment. Here the schedule and N come from each
 * function's policy (interval, warm.concurrency), one warmer per distinct interval.
 */
export function serverlessPluginWarmup(options: ServerlessPluginWarmupOptions = {}): Strategy {
  const holdMs = options.holdMs ?? 25;
  const maxSockets = options.maxSockets ?? 50;
  const memoryMb = options.warmerMemoryMb ?? WARMER_MEMORY_MB;
  const architecture = options.warmerArchitecture ?? 'x86_64';
  const overheadMs = options.warmerOverheadMs ?? handlerCpuMs(WARMER_INVOCATION_CPU_MS, memoryMb);
  const dispatchMs = options.warmerDispatchMs ?? handlerCpuMs(WARMER_PING_CPU_MS, memoryMb);
  const initMs = options.warmerInitMs ?? cpuBoundMs(INIT_AT_REFERENCE_MS, memoryMb);
  const firstCallMs = options.warmerFirstCallMs ?? handlerCpuMs(WARMER_FIRST_CALL_CPU_MS, memoryMb);
  const tally = new RoundTally();
  return {
    id: 'serverless-plugin-warmup',
    label: 'serverless-plugin-warmup',
    summary: `A warmer Lambda (${memoryMb} MB) invokes each function warm.concurrency times every interval, all at once with no shared hold: the target waits ${holdMs} ms, the client keeps at most ${maxSockets} invokes in flight, so pings that do not overlap collapse onto fewer environments.`,
    start: ({ engine, policies }) => {
      const random = engine.randomFor('serverless-plugin-warmup');
      const warmers = new Map<number, number[]>();
      for (const fn of engine.functions) {
        const interval = policies.effective(fn.index, engine.startMs).warm.intervalMs;
        warmers.set(interval, [...(warmers.get(interval) ?? []), fn.index]);
      }
      for (const [interval, fns] of warmers) {
        const tick = (t: number) => {
          const targets = fns
            .map((fn) => ({ fn, count: warmTarget(policies.effective(fn, t)) }))
            .filter((target) => target.count > 0);
          fanOut({
            engine,
            random,
            startAt: t,
            targets,
            maxInFlight: maxSockets,
            dispatchMs,
            durationMs: holdMs + engine.model.pingHandlerMs,
            onDone: (result) => {
              engine.chargeController({
                name: `serverless-plugin-warmup:${interval}`,
                at: t,
                durationMs: result.finishedAt - t + overheadMs,
                memoryMb,
                architecture,
                initMs,
                firstCallMs,
                logBytes: WARMER_INVOCATION_LOG_BYTES + WARMER_TARGET_LOG_BYTES * targets.length,
              });
              for (const round of result.rounds) tally.add(round.sent, round.distinct, round.cold);
            },
          });
          if (t + interval < engine.endMs) engine.at(t + interval, () => tick(t + interval));
        };
        const first = engine.scheduleStart(`serverless-plugin-warmup:${interval}`);
        engine.at(first, () => tick(first));
      }
    },
    facts: () => tally.facts(),
  };
}
