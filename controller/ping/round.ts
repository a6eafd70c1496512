import type { LambdaInvoker } from '../aws/ports';
import type { Clock } from '../clock';
import type { PingPayloadSpec } from '../policy';
import { classifyError, classifyResponse, type PingOutcome } from './outcome';
import { encodePing } from './payload';
import { type DispatchQueue, dispatchStart, holdUntilOf } from './rounds';

export interface RoundSpec {
  readonly function: string;
  readonly qualifier: string | undefined;
  readonly size: number;
  readonly holdMs: number;
  readonly payload: PingPayloadSpec;
  readonly proof: boolean;
  /** Unique per round; the proofs echo it back. At most 128 characters (the protocol's limit). */
  readonly runId: string;
  /**
   * Epoch ms at which pings still unanswered are given up, however long their own timeout: the tick's time budget.
   * A cold start can outlast the estimate a round started on; the invocation must not outlast its timeout.
   */
  readonly deadline?: number;
}

export interface RoundTiming {
  /** How long a ping may take beyond its hold (cold start included) before it counts as timed out. */
  readonly callTimeoutMs: number;
  /** Added to the hold per ping of the round, so the last ping is sent before the first one is released. */
  readonly dispatchMsPerPing: number;
}

export interface RoundResult {
  readonly holdUntil: number;
  readonly outcomes: readonly PingOutcome[];
  readonly startedAt: number;
  /** When its pings began to leave, by the controller's pace, behind the pings of rounds queued before it. */
  readonly sendsAt: number;
  readonly finishedAt: number;
}

/**
 * One round: `size` concurrent RequestResponse pings sharing one `holdUntil`, so every ping is still held when the
 * last one arrives and Lambda must give each its own execution environment.
 */
export async function sendRound(
  invoker: LambdaInvoker,
  spec: RoundSpec,
  timing: RoundTiming,
  clock: Clock,
  queue?: DispatchQueue,
): Promise<RoundResult> {
  const startedAt = clock.now();
  const sendsAt = dispatchStart(queue, startedAt, spec.size, timing);
  const holdUntil = holdUntilOf(sendsAt, spec, timing);
  const ownTimeoutMs = holdUntil - startedAt + timing.callTimeoutMs;
  const timeoutMs =
    spec.deadline === undefined ? ownTimeoutMs : Math.max(0, Math.min(ownTimeoutMs, spec.deadline - startedAt));
  const outcomes = await Promise.all(
    Array.from({ length: spec.size }, async (_, index): Promise<PingOutcome> => {
      const { payload, clientContext } = encodePing(spec.payload, {
        runId: spec.runId,
        index,
        of: spec.size,
        holdUntil,
      });
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        const response = await invoker.invoke(
          {
            FunctionName: spec.function,
            ...(spec.qualifier !== undefined ? { Qualifier: spec.qualifier } : {}),
            InvocationType: 'RequestResponse',
            Payload: payload,
            ...(clientContext !== undefined ? { ClientContext: clientContext } : {}),
          },
          { abortSignal: abort.signal },
        );
        return classifyResponse(response, spec.proof, spec.runId);
      } catch (error) {
        return classifyError(error);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { holdUntil, outcomes, startedAt, sendsAt, finishedAt: clock.now() };
}
