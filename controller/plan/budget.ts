import type { AccountConcurrency } from './observed';

/** Policy budget fields (the shape of `Effective['budget']`). */
export interface BudgetSettings {
  readonly maxConcurrency?: number;
  readonly maxShare?: number;
}

/** Share of the unreserved account concurrency all pings of a tick may use when no policy says otherwise. */
export const DEFAULT_TICK_SHARE = 0.2;

/**
 * The tick's share when none is configured: the smallest `maxShare` among the policies (the most restrictive
 * wins: one permissive policy must not widen what every other policy's warming may take), else the default.
 */
export function tickShareOf(budgets: readonly BudgetSettings[]): number {
  let share: number | undefined;
  for (const budget of budgets) {
    if (budget.maxShare !== undefined && (share === undefined || budget.maxShare < share)) share = budget.maxShare;
  }
  return share ?? DEFAULT_TICK_SHARE;
}

/**
 * Concurrency kept free for real traffic whatever the budgets say: a tenth of the unreserved concurrency, at least
 * one. Warming takes only what is free beyond it.
 */
export function liveReserve(account: AccountConcurrency): number {
  return Math.max(1, Math.ceil(account.unreserved / 10));
}

export type PingCap =
  | { readonly cap: number; readonly limitedBy: readonly string[] }
  | { readonly cap: undefined; readonly limitedBy: readonly string[] };

/**
 * Concurrency a target's reserved concurrency leaves for warming: never all of it, so real traffic still finds
 * room (at least one, and at least a tenth, stays free).
 */
export function reservedHeadroom(reserved: number): number {
  return Math.max(1, Math.ceil(reserved / 10));
}

/**
 * The most pings one target may have in flight: the policy's absolute cap, its share of the account's unreserved
 * concurrency, and its reserved concurrency minus headroom. `cap: undefined` means no limit is known at all (no
 * absolute cap and no account settings), in which case the caller must not ping.
 */
export function targetPingCap(
  budget: BudgetSettings,
  account: AccountConcurrency | undefined,
  reserved: number | null | undefined,
): PingCap {
  const limits: Array<{ value: number; label: string }> = [];
  if (budget.maxConcurrency !== undefined) {
    limits.push({ value: budget.maxConcurrency, label: `budget.maxConcurrency ${budget.maxConcurrency}` });
  }
  if (budget.maxShare !== undefined && account !== undefined) {
    limits.push({
      value: Math.floor(account.unreserved * budget.maxShare),
      label: `budget.maxShare ${budget.maxShare} of ${account.unreserved} unreserved`,
    });
  }
  const budgetKnown = limits.length > 0;
  if (typeof reserved === 'number') {
    limits.push({
      value: Math.max(0, reserved - reservedHeadroom(reserved)),
      label: `reserved concurrency ${reserved} (${reservedHeadroom(reserved)} kept for real traffic)`,
    });
  }
  if (!budgetKnown) return { cap: undefined, limitedBy: limits.map((limit) => limit.label) };
  const cap = Math.min(...limits.map((limit) => limit.value));
  return { cap, limitedBy: limits.filter((limit) => limit.value === cap).map((limit) => limit.label) };
}

/**
 * Concurrency all pings of one tick may use together: the share of unreserved concurrency, and never more than is
 * free right now (unreserved concurrency minus what is in use, minus the live reserve) when current use was read. Infinity when
 * the account settings are unknown.
 */
export function tickPool(account: AccountConcurrency | undefined, share: number): number {
  if (account === undefined) return Number.POSITIVE_INFINITY;
  const byShare = Math.floor(account.unreserved * share);
  if (account.inUse === undefined) return byShare;
  // Use on functions with reserved concurrency cannot be told apart here, so all of it counts against the
  // unreserved pool warming draws from: conservative, never optimistic.
  const free = account.unreserved - account.inUse - liveReserve(account);
  return Math.max(0, Math.min(byShare, Math.floor(free)));
}

/**
 * Items longest-waiting first: never served (`since` undefined) before the oldest, ties in their given order. The
 * order in which `allocateWhole` grants the tick's pool, in the planner and in the controller alike.
 */
export function longestWaitingFirst<T>(items: readonly T[], since: (item: T) => number | undefined): T[] {
  return [...items].sort((a, b) => (since(a) ?? -1) - (since(b) ?? -1));
}

/**
 * Whole requests in the order given, while they fit in `pool`; a request that does not fit gets nothing this time
 * (smaller ones after it may still fit). A single request larger than the whole pool gets the pool when nothing
 * else was granted, so a large target is never starved by its own size.
 */
export function allocateWhole(requests: readonly number[], pool: number): number[] {
  let left = pool;
  const granted = requests.map((request) => {
    if (request <= left) {
      left -= request;
      return request;
    }
    return 0;
  });
  if (left === pool && Number.isFinite(pool) && pool > 0) {
    const first = requests.findIndex((request) => request > 0);
    if (first >= 0) granted[first] = Math.min(requests[first], pool);
  }
  return granted;
}
