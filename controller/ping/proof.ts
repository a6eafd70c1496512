import * as z from 'zod/mini';
import { type EnvironmentProof, PROTOCOL_VERSION } from '../../target/protocol';

const INIT_TYPES = ['on-demand', 'provisioned-concurrency', 'snap-start', 'unknown'] as const;

/**
 * A target helper's answer, checked field by field: the controller counts environments from it, so a function
 * that answers something else (no helper, an old helper, a handler that ran the ping as a real event) must not
 * be counted as proof. Unknown extra fields are allowed so a newer helper still works.
 */
const ProofSchema = z.object({
  envId: z.string().check(z.minLength(1), z.maxLength(512)),
  firstInvocation: z.boolean(),
  initAt: z.number(),
  initDurationMs: z.number(),
  initType: z.string(),
  pingsServed: z.int().check(z.gte(1)),
  realServed: z.int().check(z.gte(0)),
  lastRealRequestAt: z.nullable(z.number()),
  realBusyMs: z.optional(z.number().check(z.gte(0))),
  longestIdleMs: z.optional(z.number().check(z.gte(0))),
  shortestIdleMs: z.optional(z.number().check(z.gte(0))),
  heldMs: z.number(),
  runId: z.string(),
  index: z.int(),
  functionName: z.string(),
  functionVersion: z.string(),
});

const EnvelopeSchema = z.object({
  thermostat: z.object({ v: z.literal(PROTOCOL_VERSION), proof: ProofSchema }),
});

export type ProofCheck = { ok: true; proof: EnvironmentProof } | { ok: false; problem: string };

/** Decodes and validates one Invoke response payload as a proof of the given round. */
export function readProof(payload: Uint8Array | undefined, runId: string): ProofCheck {
  if (payload === undefined || payload.length === 0) return { ok: false, problem: 'the function returned nothing' };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, problem: 'the function returned something that is not JSON' };
  }
  const parsed = EnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    return {
      ok: false,
      problem: `the answer is not a Thermostat proof${where} (is the handler wrapped with withThermostat?)`,
    };
  }
  const proof = parsed.data.thermostat.proof;
  if (proof.runId !== runId) {
    return { ok: false, problem: `the proof belongs to run ${proof.runId}, not ${runId}` };
  }
  const initType = (INIT_TYPES as readonly string[]).includes(proof.initType)
    ? (proof.initType as EnvironmentProof['initType'])
    : 'unknown';
  return { ok: true, proof: { ...proof, initType } };
}
