import { pingPayload } from '../../target/protocol';
import type { PingPayloadSpec } from '../policy';

export interface EncodedPing {
  readonly payload: Uint8Array;
  /** Base64 ClientContext, sent by serverless-plugin-warmup and checked by some of its users. */
  readonly clientContext?: string;
}

const SPW_EVENT = { source: 'serverless-plugin-warmup' };

/**
 * The bytes of ping `index` of a round. Compatibility flavours send exactly what those tools send, so functions
 * that already detect them short-circuit (and no proof can come back).
 */
export function encodePing(
  spec: PingPayloadSpec,
  ping: { runId: string; index: number; of: number; holdUntil: number },
): EncodedPing {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value));
  switch (spec.flavour) {
    case 'thermostat':
      return { payload: encode(pingPayload(ping)) };
    case 'serverless-plugin-warmup':
    case 'middy':
      // @middy/warmup's default isWarmingUp checks the same `source` the plugin sends.
      return {
        payload: encode(SPW_EVENT),
        clientContext: Buffer.from(JSON.stringify({ custom: SPW_EVENT })).toString('base64'),
      };
    case 'lambda-warmer':
      // Sent as a fan-out copy (invocation >= 2, concurrency 1): the function holds for its configured delay and
      // does not fan out again, with the controller standing in for lambda-warmer's first invocation.
      return {
        payload: encode({
          warmer: true,
          concurrency: 1,
          __WARMER_INVOCATION__: ping.index + 2,
          __WARMER_CONCURRENCY__: ping.of + 1,
          __WARMER_CORRELATIONID__: ping.runId,
        }),
      };
    case 'custom':
      return { payload: encode(spec.json) };
  }
}
