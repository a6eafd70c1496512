/**
 * The helper as a middy middleware, on its own subpath so functions without middy never load it. It is a plain
 * `{ before, after, onError }` object: nothing from @middy/core is imported, at runtime or in types.
 */
import { createThermostat, type PingAnswer, type ThermostatOptions } from './thermostat';
import type { LambdaContext } from './types';

/** The part of middy's request object the middleware reads. */
export interface MiddyRequestLike<TContext extends LambdaContext = LambdaContext> {
  readonly event: unknown;
  readonly context: TContext;
}

export interface ThermostatMiddleware<TContext extends LambdaContext = LambdaContext> {
  /** Returns the ping's answer, which middy sends as the early response; returns nothing for real events. */
  readonly before: (request: MiddyRequestLike<TContext>) => Promise<PingAnswer> | undefined;
  /** Counts the real request's handler time (what the controller reads as the function's load). */
  readonly after: (request: MiddyRequestLike<TContext>) => void;
  readonly onError: (request: MiddyRequestLike<TContext>) => void;
}

/**
 * Does what `withThermostat` does, inside a middy chain. Register it first so pings skip every other middleware, or
 * after the middlewares whose `before` you want pings to run too (e.g. prefetching secrets, a cheap deep warm).
 *
 * @example
 * export const handler = middy(app).use(thermostatMiddleware({ onPing: () => pool.connect() })).use(httpJsonBodyParser());
 */
export function thermostatMiddleware<TContext extends LambdaContext = LambdaContext>(
  options?: ThermostatOptions<TContext>,
): ThermostatMiddleware<TContext> {
  const thermostat = createThermostat(options);
  // Real requests in flight (one per environment, but middy requests are objects we can key on safely).
  const started = new WeakMap<object, number>();
  const end = (request: object) => {
    const at = started.get(request);
    if (at === undefined) return;
    started.delete(request);
    thermostat.endReal(at);
  };
  return {
    before(request) {
      const ping = thermostat.recognise(request.event, request.context);
      if (ping) return thermostat.answer(ping, request.context);
      started.set(request, thermostat.countReal(request.context));
      return undefined;
    },
    after(request) {
      end(request);
    },
    onError(request) {
      end(request);
    },
  };
}

export type { PingAnswer, ThermostatOptions } from './thermostat';
