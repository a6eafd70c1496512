import { type PolicySet, parsePolicySource } from '../../controller/policy';
import type { ModelOptions } from '../../simulator/model/options';
import { simulate } from '../../simulator/run';
import type { Strategy } from '../../simulator/strategies';
import { memoryTrace } from '../../simulator/traces/memory';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A policy set from YAML text, failing the test on any issue. */
export function policySet(yaml: string): PolicySet {
  const parsed = parsePolicySource(yaml, 'test.yaml');
  if (parsed.issues.length > 0) throw new Error(JSON.stringify(parsed.issues));
  return { policies: parsed.policies, defaults: parsed.defaults, issues: [], files: ['test.yaml'] };
}

export const WARM_ONE = policySet('defaults:\n  warm: { concurrency: 1, interval: 5m }\n');

/** Deterministic model settings for hand-computed cases: fixed reclaim and lifetime, no jitter. */
export const FIXED: Partial<ModelOptions> = {
  idleReclaim: { kind: 'fixed', ms: 10 * MIN },
  maxLifetime: { kind: 'fixed', ms: 24 * HOUR },
  proactiveReplacement: 0,
  coldStartMs: 200,
  network: { oneWayMs: 10, jitterMs: 0 },
  schedulePhase: { kind: 'fixed', ms: 0 },
};

/** One function "f" with arrivals at the given times (ms), each lasting `durationMs`. */
export function oneFunction(times: readonly number[], durationMs = 100, endMs?: number, memoryMb = 1024) {
  return memoryTrace({
    functions: [{ name: 'f', memoryMb }],
    arrivals: times.map((t) => ({ fn: 0, t, durationMs })),
    endMs,
  });
}

export function run(
  trace: ReturnType<typeof memoryTrace>,
  strategies: Strategy[],
  model: Partial<ModelOptions> = FIXED,
  policies: PolicySet = WARM_ONE,
) {
  return simulate({ trace, policySet: policies, strategies, model: { ...FIXED, ...model } }).results;
}
