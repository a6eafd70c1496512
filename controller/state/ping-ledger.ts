/**
 * The ping ledger: when each target of a shard was last pinged, for every target whose own item does not say so.
 *
 * A round that proves the same environments as the last one changes nothing a later tick needs but the time of the
 * round. Rewriting the target's item for that was one billed write per pinged target and round (at 1,000 targets,
 * two thirds of the state table's writes). Instead such rounds put their time here, one item per shard written
 * once per tick: a few bytes per target (a hash of its key and the time), so a shard of 250 targets costs a few
 * write units a tick instead of one per pinged target. Everything else (ownership above all) still goes to the
 * target's own item, conditionally, every time it changes; losing the ledger only makes its targets due again, so
 * the worst a lost or stale ledger causes is one extra round of pings.
 */
import { createHash } from 'node:crypto';
import type { TargetState } from './store';

/** The ledger of one shard as stored: the tick that wrote it and the round times by key hash. */
export interface PingLedger {
  readonly tickId: string;
  /** Epoch ms of the last round by `ledgerHash(key)`. */
  readonly pings: ReadonlyMap<string, number>;
}

/** Characters of a key's hash: 48 bits, so a collision among a shard's few hundred keys is ~1 in 10^10. */
const HASH_LENGTH = 8;

/** A target key's short, stable name in the ledger. */
export function ledgerHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, HASH_LENGTH);
}

/**
 * The ledger's text: `<hash><seconds before base, base 36>` joined by commas, e.g. `Ab3_x9Qz0,Zt01Qa2b5k`.
 * Round times are tick times (whole seconds); anything finer is rounded down, which only makes a target due sooner.
 */
export function encodeLedger(base: number, pings: ReadonlyMap<string, number>): string {
  const baseSeconds = Math.floor(base / 1000);
  return [...pings]
    .map(([hash, at]) => `${hash}${Math.max(0, baseSeconds - Math.floor(at / 1000)).toString(36)}`)
    .join(',');
}

/** The entries of a ledger's text; anything that does not read is left out (its target is merely due sooner). */
export function decodeLedger(base: number, text: string): Map<string, number> {
  const pings = new Map<string, number>();
  const baseSeconds = Math.floor(base / 1000);
  for (const entry of text.split(',')) {
    const hash = entry.slice(0, HASH_LENGTH);
    const before = entry.slice(HASH_LENGTH);
    if (hash.length < HASH_LENGTH || !/^[0-9a-z]{1,8}$/.test(before)) continue;
    pings.set(hash, (baseSeconds - Number.parseInt(before, 36)) * 1000);
  }
  return pings;
}

/**
 * Keys whose hash no other key of `keys` shares: only those are looked up in or written to a ledger, so a collision
 * can never lend one target another's round time (both are simply saved in their own items).
 */
export function uniquelyHashed(keys: readonly string[]): Map<string, string> {
  const byHash = new Map<string, string | null>();
  for (const key of keys) {
    const hash = ledgerHash(key);
    byHash.set(hash, byHash.has(hash) ? null : key);
  }
  const out = new Map<string, string>();
  for (const [hash, key] of byHash) if (key !== null) out.set(key, hash);
  return out;
}

/**
 * One tick's view of its shard's ledger: merges the stored round times into the loaded states, takes the rounds
 * the tick defers to it, forgets those a target's own save now records, and says whether anything changed.
 */
export class ShardPings {
  private readonly hashes: Map<string, string>;
  /** Round times newer than the target's own item says, by key. */
  private readonly entries = new Map<string, number>();
  private readonly loaded: string;

  /** Merges `ledger` into `states` (in place) for `keys`, the shard's targets. */
  constructor(keys: readonly string[], ledger: PingLedger | undefined, states: Map<string, TargetState>) {
    this.hashes = uniquelyHashed(keys);
    for (const [key, hash] of this.hashes) {
      const at = ledger?.pings.get(hash);
      const state = states.get(key);
      if (at === undefined || state === undefined || at <= (state.lastPingAt ?? Number.NEGATIVE_INFINITY)) continue;
      states.set(key, withRoundAt(state, at));
      this.entries.set(key, at);
    }
    // Entries the ledger held for keys no longer here (or not in the states) are dropped: a change to save.
    this.loaded = ledger === undefined || ledger.pings.size === this.entries.size ? this.text() : '';
  }

  /** Whether a round of `key` may be kept here rather than in its item. */
  canDefer(key: string): boolean {
    return this.hashes.has(key);
  }

  deferred(key: string, at: number): void {
    this.entries.set(key, at);
  }

  /** The target's own item now holds its latest round. */
  saved(key: string): void {
    this.entries.delete(key);
  }

  /** Whether the ledger differs from the one loaded (or entries of keys no longer in the shard were dropped). */
  changed(): boolean {
    return this.text() !== this.loaded;
  }

  ledger(tickId: string): PingLedger {
    return { tickId, pings: new Map([...this.entries].map(([key, at]) => [this.hashes.get(key)!, at])) };
  }

  private text(): string {
    return JSON.stringify([...this.entries].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/**
 * The state as a round at `at` left it, when that round changed nothing but its time: the traffic history's `at`
 * moves with it (the planner reads how recent the history is from it).
 */
function withRoundAt(state: TargetState, at: number): TargetState {
  const traffic = state.traffic && { ...state.traffic, at: Math.max(state.traffic.at, at) };
  return { ...state, lastPingAt: at, ...(traffic ? { traffic } : {}) };
}
