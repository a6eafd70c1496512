import type { AccountConcurrency, ProvisionedObservation, UtilizationObservation } from '../plan';
import type { AccountStore } from './account-store';
import { TtlCache } from './cache';

/** What GetFunction tells about a qualifier; changes only on deploys, so it is cached across ticks. */
export interface FunctionFacts {
  readonly memoryMb?: number;
  readonly architecture?: 'x86_64' | 'arm64';
  readonly timeoutMs?: number;
  readonly reservedConcurrency: number | null;
  readonly snapStart: boolean;
  readonly version?: string;
}

/**
 * Caches kept for the life of the controller's execution environment (built once in handler.ts). Lifetimes are
 * short enough that a deploy is seen within minutes, long enough that 1,000 targets fit the control plane's
 * requests-per-second quota.
 */
export interface ObservationCaches {
  readonly account: TtlCache<AccountConcurrency>;
  readonly functions: TtlCache<FunctionFacts>;
  readonly aliases: TtlCache<{ readonly weighted: boolean; readonly version?: string }>;
  readonly utilization: TtlCache<UtilizationObservation>;
  /**
   * A qualifier found settled: provisioned concurrency Thermostat set directly, READY at exactly its value, or no
   * configuration at all where Thermostat owns none (auto mode keeping it warm with pings), with the alias as read
   * then. Reconciled every `settled` instead of every tick: re-reading settled qualifiers is most of a steady tick's
   * control-plane calls and, rate-limited, most of its billed time. Anything else is read every tick, and a plan
   * made from a copy that would write is made again from a fresh read (run.ts), so the copy's age only delays
   * noticing a change made by someone else while Thermostat itself has nothing to change.
   */
  readonly settled: TtlCache<{
    readonly provisioned: ProvisionedObservation | null;
    readonly alias: { readonly weighted: boolean; readonly version?: string } | undefined;
  }>;
  /** Provisioned concurrency of warm-mode qualifiers, only to skip pings that READY PC makes useless. */
  readonly coverage: TtlCache<{ readonly allocated: number; readonly status: string } | null>;
  /** Provisioned-concurrency reads that were throttled, so the same reads do not repeat their burst every tick. */
  readonly throttledReads: TtlCache<true>;
  /** The account settings as last read, outliving the environment (the state table): the fallback on failure. */
  readonly lastAccount?: AccountStore;
}

export const CACHE_TTL_MS = {
  account: 60_000,
  functions: 15 * 60_000,
  aliases: 60_000,
  utilization: 5 * 60_000,
  coverage: 10 * 60_000,
  // Two reads per settled qualifier a period: at 5 minutes they were most of a 1,000-target steady tick's calls. A
  // change someone else makes is seen within 15-18 minutes; Thermostat's own writes read first whatever the age.
  settled: 15 * 60_000,
  throttledReads: 5 * 60_000,
} as const;

export function createCaches(lastAccount?: AccountStore): ObservationCaches {
  return {
    ...(lastAccount ? { lastAccount } : {}),
    throttledReads: new TtlCache(),
    account: new TtlCache(),
    functions: new TtlCache(),
    aliases: new TtlCache(),
    utilization: new TtlCache(),
    coverage: new TtlCache(),
    settled: new TtlCache(),
  };
}
