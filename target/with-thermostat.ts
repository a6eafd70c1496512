/**
 * The wrapper around a user's handler: pings are held and answered with the environment's proof, real events run the
 * handler after the cold/warm count.
 */
import { recognisePing } from './recognise';
import { createThermostat, type PingAnswer, type ThermostatOptions } from './thermostat';
import type { AsyncHandler, CallbackHandler, LambdaCallback, LambdaContext } from './types';

/**
 * True for a warm-up ping of any recognised format, for code that only needs to skip pings: e.g. @middy/warmup's
 * `isWarmingUp`. It does not hold or answer with a proof; `withThermostat` and `thermostatMiddleware` do.
 *
 * @example
 * middy(handler).use(warmup({ isWarmingUp: isWarmPing }));
 */
export function isWarmPing(event: unknown, context?: unknown): boolean {
  return recognisePing(event, context) !== undefined;
}

/**
 * Wraps a Lambda handler: pings are held and answered with the environment proof without running the handler; real
 * events go straight to it, after one EMF line records whether the environment was cold. Callback-style handlers
 * (three parameters) keep the callback semantics; anything else is treated as async.
 *
 * @example
 * export const handler = withThermostat(async (event: APIGatewayProxyEventV2) => ({ statusCode: 200 }), {
 *   onPing: () => pool.connect(),
 * });
 */
export function withThermostat<TEvent, TResult, TContext extends LambdaContext>(
  handler: AsyncHandler<TEvent, TResult, TContext>,
  options?: ThermostatOptions<TContext>,
): AsyncHandler<TEvent, TResult | PingAnswer, TContext>;
export function withThermostat<TEvent, TResult, TContext extends LambdaContext>(
  handler: CallbackHandler<TEvent, TResult, TContext>,
  options?: ThermostatOptions<TContext>,
): CallbackHandler<TEvent, TResult | PingAnswer, TContext>;
export function withThermostat<TEvent, TResult, TContext extends LambdaContext>(
  handler: AsyncHandler<TEvent, TResult, TContext> | CallbackHandler<TEvent, TResult, TContext>,
  options?: ThermostatOptions<TContext>,
): AsyncHandler<TEvent, TResult | PingAnswer, TContext> | CallbackHandler<TEvent, TResult | PingAnswer, TContext> {
  const thermostat = createThermostat(options);

  if (handler.length >= 3) {
    const callbackHandler = handler as CallbackHandler<TEvent, TResult, TContext>;
    return function thermostatCallbackHandler(
      event: TEvent,
      context: TContext,
      callback: LambdaCallback<TResult | PingAnswer>,
    ) {
      const ping = thermostat.recognise(event, context);
      if (ping) {
        const answer = thermostat.answer(ping, context);
        // Called without a callback (a test, a promise-based harness): the promise is the answer.
        if (typeof callback !== 'function') return answer;
        answer.then(
          (result) => callback(null, result),
          (error: Error) => callback(error),
        );
        return;
      }
      const startedAt = thermostat.countReal(context);
      const done: LambdaCallback<TResult | PingAnswer> =
        typeof callback === 'function'
          ? (error, result) => {
              thermostat.endReal(startedAt);
              callback(error, result);
            }
          : callback;
      // Returned, not just called: a handler declared with a callback may still return a promise, which the
      // runtime then uses exactly as it would without the wrapper.
      return callbackHandler(event, context, done);
    };
  }

  const asyncHandler = handler as AsyncHandler<TEvent, TResult, TContext>;
  return async function thermostatHandler(event: TEvent, context: TContext) {
    const ping = thermostat.recognise(event, context);
    if (ping) return thermostat.answer(ping, context);
    const startedAt = thermostat.countReal(context);
    try {
      return await asyncHandler(event, context);
    } finally {
      thermostat.endReal(startedAt);
    }
  };
}
