import type { Engine, PingOutcome } from '../model/engine';
import type { Random } from '../random';

export interface FanOutTarget {
  readonly fn: number;
  readonly count: number;
}

export interface FanOutRound {
  readonly fn: number;
  readonly sent: number;
  /** Distinct environments that answered (each provisioned answer counts as one: they overlap by construction). */
  readonly distinct: number;
  /** Their ids: environment serial numbers, negative for provisioned environments (which the model does not name). */
  readonly envs: ReadonlySet<number>;
  readonly cold: number;
  readonly throttled: number;
  /** Answered by provisioned environments (no environment identity in the model). */
  readonly provisioned: number;
  /** What each on-demand environment's proof would say about real traffic, by environment. */
  readonly sightings: ReadonlyMap<number, NonNullable<PingOutcome['sighting']>>;
  /** When each ping that found its environment warm reached it (a proof's hold says as much to the controller). */
  readonly warmArrivals: readonly number[];
}

export interface FanOutResult {
  readonly startedAt: number;
  /** When the last response reached the caller. */
  readonly finishedAt: number;
  readonly rounds: readonly FanOutRound[];
}

/** When the caller's single-threaded client can send its next request. */
export interface Dispatcher {
  free: number;
}

export interface FanOutOptions {
  readonly engine: Engine;
  readonly random: Random;
  readonly startAt: number;
  readonly targets: readonly FanOutTarget[];
  /** Requests the client keeps in flight (the SDK's default HTTP handler: 50 sockets per host). */
  readonly maxInFlight: number;
  /**
   * The caller's time per request (serialising, signing, sending: CPU-bound, so it depends on the caller's memory,
   * handlerCpuMs): requests leave one after another.
   */
  readonly dispatchMs: number;
  /** Handler time of each ping, after any cold start. */
  readonly durationMs: number;
  /** Shared deadline until which each ping is held. */
  readonly holdUntil?: number;
  /**
   * The caller's HTTP client, when several fan-outs run at once from one process: they share its per-call CPU
   * time, so their requests leave one after another. @default a client of this fan-out's own
   */
  readonly client?: Dispatcher;
  readonly onDone: (result: FanOutResult) => void;
}

/**
 * One caller invoking functions concurrently from a single Node process, RequestResponse: the client serialises
 * and sends one request every `dispatchMs` (it is CPU-bound), at most `maxInFlight` at a time; a request reaches
 * Lambda one network hop (plus jitter) after it is sent, and frees its socket when the response is back.
 * Requests are sent in target order, the way nested `Promise.all`s queue them.
 */
export function fanOut(options: FanOutOptions): void {
  const { engine, random } = options;
  const { oneWayMs, jitterMs } = engine.model.network;
  const { dispatchMs } = options;
  const queue: number[] = [];
  for (let t = 0; t < options.targets.length; t++) {
    for (let k = 0; k < options.targets[t].count; k++) queue.push(t);
  }
  const envs = options.targets.map(() => new Set<number>());
  const tallies = options.targets.map(() => ({ cold: 0, throttled: 0, provisioned: 0 }));
  const sightings = options.targets.map(() => new Map<number, NonNullable<PingOutcome['sighting']>>());
  const warmArrivals = options.targets.map((): number[] => []);
  let next = 0;
  const client = options.client ?? { free: options.startAt };
  let pending = queue.length;
  let finishedAt = options.startAt;
  if (pending === 0) {
    options.onDone({ startedAt: options.startAt, finishedAt, rounds: [] });
    return;
  }

  const send = (earliest: number) => {
    const target = queue[next++];
    const sentAt = Math.max(earliest, client.free);
    client.free = sentAt + dispatchMs;
    const arrival = sentAt + oneWayMs + jitterMs * random.next();
    engine.ping(options.targets[target].fn, arrival, {
      durationMs: options.durationMs,
      holdUntil: options.holdUntil,
      onResult: (outcome: PingOutcome) => {
        const tally = tallies[target];
        if (outcome.throttled) tally.throttled++;
        else if (outcome.provisioned) envs[target].add(-1 - tally.provisioned++);
        else envs[target].add(outcome.env);
        if (outcome.sighting) sightings[target].set(outcome.env, outcome.sighting);
        if (outcome.cold) tally.cold++;
        else if (!outcome.throttled) warmArrivals[target].push(arrival);
        const back = outcome.endsAt + oneWayMs;
        engine.at(back, () => {
          finishedAt = Math.max(finishedAt, back);
          if (next < queue.length) send(engine.now);
          if (--pending === 0) {
            options.onDone({
              startedAt: options.startAt,
              finishedAt,
              rounds: options.targets.map((t, i) => ({
                fn: t.fn,
                sent: t.count,
                distinct: envs[i].size,
                envs: envs[i],
                sightings: sightings[i],
                warmArrivals: warmArrivals[i],
                ...tallies[i],
              })),
            });
          }
        });
      },
    });
  };
  const first = Math.min(options.maxInFlight, queue.length);
  for (let i = 0; i < first; i++) send(options.startAt);
}
