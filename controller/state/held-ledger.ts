/**
 * A whole tick's ping ledger held in the controller environment's memory instead of written every tick.
 *
 * The ledger was the one write of nearly every tick (a round that proved what the last one did puts its time there),
 * a write unit a tick however few targets: on a small account, as much as all its targets' saves. What it keeps is
 * only ever needed by a controller that starts cold: the environment that ran the last tick knows it already, and
 * losing it only makes its targets due again (one extra round of pings each, ping-ledger.ts). So a whole tick keeps
 * its ledger in memory while its environment has shown that it lives from one tick to the next (it ran a tick before
 * this one), and writes it once what it holds has gone unwritten for LEDGER_HOLD_MS: a controller that starts cold
 * loses at most that much of it, as it loses at most the hour a stored traffic history may lag by. A tick split into
 * shards writes every time (its invocations land on any environment); a tick in a new environment too (its ticks
 * may be further apart than Lambda keeps an idle environment).
 */

import type { PingLedger } from './ping-ledger';
import { REMEMBER_AT_MOST_MS } from './remembered-items';

/** The longest a held ledger goes unwritten: the time remembered items may stand in for the table. */
export const LEDGER_HOLD_MS = REMEMBER_AT_MOST_MS;

/**
 * Whether a tick keeps its changed ledger in memory rather than writing it: a whole tick, in an environment that ran a
 * tick before (`ranBefore`), while what is held has been unwritten (since `heldSince`, the first tick that held it)
 * for less than LEDGER_HOLD_MS at `now` (HeldLedgers keeps `heldSince`).
 */
export function holdsLedger(tick: {
  readonly whole: boolean;
  readonly ranBefore: boolean;
  readonly heldSince: number | undefined;
  readonly now: number;
}): boolean {
  return tick.whole && tick.ranBefore && (tick.heldSince === undefined || tick.now - tick.heldSince < LEDGER_HOLD_MS);
}

/**
 * The ledger a tick works from: the table's, with what this environment holds unwritten laid over it. Round times only
 * move forward, so each target gets the later of the two (another environment may have written rounds since); the
 * quiet times and the tick are the newer ledger's. Marked `held`, so the tick saves it (or holds it again) even if it
 * changes nothing.
 */
export function withHeld(stored: PingLedger | undefined, held: PingLedger | undefined): PingLedger | undefined {
  if (held === undefined) return stored;
  if (stored === undefined) return { ...held, held: true };
  const pings = new Map(stored.pings);
  for (const [hash, at] of held.pings) pings.set(hash, Math.max(at, pings.get(hash) ?? Number.NEGATIVE_INFINITY));
  const newer = held.tickId > stored.tickId ? held : stored;
  return { tickId: newer.tickId, pings, ...(newer.quiet ? { quiet: newer.quiet } : {}), held: true };
}

/**
 * The ledgers one controller environment holds unwritten, by shard, and since when: one bookkeeping for the
 * controller (dynamo.ts) and the simulator's bill. `L` is whatever its user keeps of a ledger.
 */
export class HeldLedgers<L> {
  private readonly ledgers = new Map<string, { readonly ledger: L; readonly since: number }>();

  /** What the environment holds of `shard`'s ledger, unwritten; undefined when the table has it all. */
  held(shard: string): L | undefined {
    return this.ledgers.get(shard)?.ledger;
  }

  /**
   * A tick ends with `ledger` to save: whether it is held (true: keep it, write nothing) or must be written now (false:
   * the caller writes it, then calls `written`), by holdsLedger.
   */
  hold(
    shard: string,
    ledger: L,
    tick: { readonly whole: boolean; readonly ranBefore: boolean; readonly now: number },
  ): boolean {
    const since = this.ledgers.get(shard)?.since;
    if (!holdsLedger({ ...tick, heldSince: since })) return false;
    this.ledgers.set(shard, { ledger, since: since ?? tick.now });
    return true;
  }

  /** `shard`'s ledger was written, or a newer tick's is in the table: nothing of it is held any more. */
  written(shard: string): void {
    this.ledgers.delete(shard);
  }
}
