import type { PingOutcome } from '../model/engine';
import { handlerCpuMs, WARMER_PING_CPU_MS } from '../model/options';
import { RoundTally } from './round-tally';
import { type Strategy, warmTarget } from './types';

export interface LambdaWarmerOptions {
  /** How long each fanned-out copy sleeps (lambda-warmer's `delay`). @default 75 */
  readonly delayMs?: number;
  /**
   * Time from an `Event` invoke being accepted to the copy starting, drawn uniformly: Lambda's internal async queue.
   * AWS publishes no figure; the default range is an assumption. @default [20, 200]
   */
  readonly asyncDelayMs?: readonly [number, number];
  /** Sockets of the target's own SDK client. @default 50 */
  readonly maxSockets?: number;
  /** The root's time per self-invoke it sends. @default WARMER_PING_CPU_MS at the target's memory (handlerCpuMs) */
  readonly dispatchMs?: number;
}

/**
 * lambda-warmer 2.3.0: a scheduled rule sends `{ warmer: true, concurrency: N }` to the target (an async invoke);
 * the target, as root, invokes itself N − 1 times — `Event` for all but the last copy, `RequestResponse` for the
 * last — and awaits them; each copy sleeps `delay` (75 ms) and returns. `Event` copies start whenever Lambda's
 * async queue runs them, so nothing guarantees they overlap.
 *
 * Modelling note: the root is held until the RequestResponse copy would return if that copy found a warm
 * environment; when it cold-starts the real root waits longer, which the model does not extend.
 */
export function lambdaWarmer(options: LambdaWarmerOptions = {}): Strategy {
  const delayMs = options.delayMs ?? 75;
  const [asyncMin, asyncMax] = options.asyncDelayMs ?? [20, 200];
  const maxSockets = options.maxSockets ?? 50;
  const tally = new RoundTally();
  return {
    id: 'lambda-warmer',
    label: 'lambda-warmer',
    summary: `The target fans out to itself: N − 1 self-invokes (Event, last one RequestResponse), each copy sleeping ${delayMs} ms; Event copies start after Lambda's async queue (${asyncMin}–${asyncMax} ms assumed), so they overlap only by luck.`,
    start: ({ engine, policies }) => {
      const random = engine.randomFor('lambda-warmer');
      const { oneWayMs, jitterMs } = engine.model.network;
      const handlerMs = engine.model.pingHandlerMs;
      const asyncDelay = () => asyncMin + (asyncMax - asyncMin) * random.next();

      /** When each of the root's n sends leaves, relative to the handler start; Event calls free a socket after a round trip. */
      const sendTimes = (fn: number, n: number) => {
        // The root's SDK client sends them at the target's own memory (one Invoke's CPU time, as the plugin's).
        const dispatchMs = options.dispatchMs ?? handlerCpuMs(WARMER_PING_CPU_MS, engine.functions[fn].memoryMb);
        const times: number[] = [];
        for (let k = 0; k < n; k++) {
          const byCpu = k * dispatchMs;
          times.push(k >= maxSockets ? Math.max(byCpu, times[k - maxSockets] + 2 * oneWayMs) : byCpu);
        }
        return times;
      };

      const warm = (fn: number, n: number, t: number) => {
        const sends = sendTimes(fn, n - 1);
        const last = sends.length > 0 ? sends[sends.length - 1] : 0;
        const rootMs = n > 1 ? last + 2 * oneWayMs + delayMs + 2 * handlerMs : handlerMs;
        const envs = new Set<number>();
        let answered = 0;
        let cold = 0;
        const count = (outcome: PingOutcome) => {
          if (!outcome.throttled) envs.add(outcome.provisioned ? -1 - answered : outcome.env);
          if (outcome.cold) cold++;
          if (++answered === n) tally.add(n, envs.size, cold);
        };
        engine.ping(fn, t + asyncDelay(), {
          durationMs: rootMs,
          onResult: (root) => {
            if (root.throttled) {
              // The root failed, so no copies were sent; the round reached nothing.
              tally.add(n, 0, 0);
              return;
            }
            count(root);
            const begin = root.at + (root.cold ? engine.functions[fn].coldStartMs : 0);
            sends.forEach((sentAt, k) => {
              const isLast = k === sends.length - 1;
              const arrival = begin + sentAt + oneWayMs + jitterMs * random.next() + (isLast ? 0 : asyncDelay());
              engine.ping(fn, arrival, { durationMs: delayMs + handlerMs, onResult: count });
            });
          },
        });
      };

      for (const fn of engine.functions) {
        const interval = policies.effective(fn.index, engine.startMs).warm.intervalMs;
        const tick = (t: number) => {
          const n = warmTarget(policies.effective(fn.index, t));
          if (n > 0) warm(fn.index, n, t);
          if (t + interval < engine.endMs) engine.at(t + interval, () => tick(t + interval));
        };
        // One EventBridge rule per function, each with its own phase.
        const first = engine.scheduleStart(`lambda-warmer:${fn.id}`);
        engine.at(first, () => tick(first));
      }
    },
    facts: () => tally.facts(),
  };
}
