import {
  type Effective,
  functionName,
  type LoadedPolicy,
  type PolicyIssue,
  type PolicySet,
  parsePolicyValue,
  resolvePolicy,
} from '../controller/policy';
import type { TraceFunction } from './traces/types';

/** Qualifier given to trace functions that no policy names (the trace has none; provisioned modes need one). */
export const TRACE_QUALIFIER = 'live';

/** The policy set does not fit the trace (e.g. its defaults fail validation for a trace function). */
export class TracePolicyError extends Error {
  override readonly name = 'TracePolicyError';
  constructor(
    message: string,
    readonly issues: readonly PolicyIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * The policy of every trace function. Trace functions are anonymous hashes, so a policy applies to the function
 * whose hash it names (exactly); every other function gets the set's defaults document, as a policy of its own
 * with qualifier `live`. Effective settings are cached until the next window edge.
 */
export class TracePolicies {
  readonly policies: readonly LoadedPolicy[];
  /** Policies of the set that name no function of the trace (reported, not an error). */
  readonly unmatched: readonly LoadedPolicy[];
  /** How many trace functions a policy names. */
  readonly named: number;
  private readonly cache: Array<{ effective: Effective; from: number; until: number } | undefined>;

  constructor(
    set: PolicySet,
    functions: readonly TraceFunction[],
    /** Epoch ms of virtual time 0, for windows (time of day, day of week). */
    private readonly epochMs: number,
  ) {
    const byName = new Map<string, LoadedPolicy>();
    for (const loaded of set.policies) byName.set(functionName(loaded.policy.function), loaded);
    const used = new Set<LoadedPolicy>();
    const policies: LoadedPolicy[] = [];
    for (const fn of functions) {
      const named = byName.get(fn.name);
      if (named) {
        used.add(named);
        policies.push(named);
        continue;
      }
      const parsed = parsePolicyValue(
        { function: fn.name, qualifier: TRACE_QUALIFIER },
        '<defaults applied to trace functions>',
        set.defaults,
      );
      if (parsed.issues.length > 0 || parsed.policies.length !== 1) {
        throw new TracePolicyError(
          `the defaults document cannot be applied to trace function ${fn.name}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          parsed.issues,
        );
      }
      policies.push(parsed.policies[0]);
    }
    this.policies = policies;
    this.named = used.size;
    this.unmatched = set.policies.filter((loaded) => !used.has(loaded));
    this.cache = policies.map(() => undefined);
  }

  /** Effective settings of trace function `fn` at virtual time `t` (ms). */
  effective(fn: number, t: number): Effective {
    const cached = this.cache[fn];
    if (cached && t >= cached.from && t < cached.until) return cached.effective;
    const at = this.epochMs + t;
    const effective = resolvePolicy(this.policies[fn].policy, new Date(at));
    const until = effective.until ? effective.until.getTime() - this.epochMs : Number.POSITIVE_INFINITY;
    // Without windows nothing ever changes; with windows beyond the horizon, look again a day later.
    const horizon = this.policies[fn].policy.windows?.length ? t + 86_400_000 : Number.POSITIVE_INFINITY;
    this.cache[fn] = { effective, from: t, until: Math.min(until, horizon) };
    return effective;
  }

  /** Virtual time of the next instant at which `fn`'s effective settings may change after `t`. */
  nextChange(fn: number, t: number): number {
    this.effective(fn, t);
    return this.cache[fn]!.until;
  }
}
