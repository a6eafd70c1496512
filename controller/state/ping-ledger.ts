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
 *
 * A tick split into shards also keeps here, for each target with nothing to do for a while, until when (its **quiet
 * time**) and a fingerprint of the policy that said so. Reading every target item every tick was most of a sharded
 * account's bill (a read unit per target per tick, where a paused whole tick reads nothing); a later tick of the shard
 * reads and plans only the targets whose quiet time is over or whose policy changed, as a paused schedule would have
 * woken for them, and carries the others' entries over unchanged.
 */
import { createHash } from 'node:crypto';
import type { TargetState } from './store';
import { unsavedState } from './unsaved-state';

/** The ledger of one shard as stored: the tick that wrote it and the round times by key hash. */
export interface PingLedger {
  readonly tickId: string;
  /** Epoch ms of the last round by `ledgerHash(key)`. */
  readonly pings: ReadonlyMap<string, number>;
  /** Targets with nothing to do before a known time, by `ledgerHash(key)`. */
  readonly quiet?: ReadonlyMap<string, QuietTarget>;
  /** Newer than the table's copy: the controller environment holds rounds it has not written (held-ledger.ts). */
  readonly held?: boolean;
}

/** A target a tick found with nothing to do until `until` (epoch ms) under the policy fingerprinted `policy`. */
export interface QuietTarget {
  readonly until: number;
  readonly policy: string;
}

/** Characters of a policy's fingerprint: 36 bits, so a changed policy goes unseen ~1 in 7·10^10 times. */
const FINGERPRINT_LENGTH = 6;

/**
 * A short, stable name of a resolved policy's settings: a quiet time holds only while the policy that set it is the
 * one in force (a changed setting, window or target makes its target read and planned at once).
 */
export function policyFingerprint(policy: object): string {
  let fingerprint = fingerprints.get(policy);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(JSON.stringify(policy)).digest('base64url').slice(0, FINGERPRINT_LENGTH);
    fingerprints.set(policy, fingerprint);
  }
  return fingerprint;
}

/**
 * Fingerprints by policy object: a tick hashes each resolved policy when it chooses its shards, spares targets and
 * keeps quiet times; resolved policies are never changed in place, and a new tick resolves new ones.
 */
const fingerprints = new WeakMap<object, string>();

/** Whether `quiet` still spares its target this tick (`now`) under the policy fingerprinted `policy`. */
export function isQuiet(quiet: QuietTarget | undefined, policy: string, now: number): boolean {
  return quiet !== undefined && quiet.policy === policy && now < quiet.until;
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
 * The quiet times' text: `<hash><fingerprint><seconds after base, base 36>` joined by commas. Times are rounded down
 * to the second, which only ends a quiet time sooner; one already over at `base` is left out.
 */
export function encodeQuiet(base: number, quiet: ReadonlyMap<string, QuietTarget>): string {
  const baseSeconds = Math.floor(base / 1000);
  return [...quiet]
    .flatMap(([hash, { until, policy }]) => {
      const after = Math.floor(until / 1000) - baseSeconds;
      return after > 0 ? [`${hash}${policy}${after.toString(36)}`] : [];
    })
    .join(',');
}

/** The entries of a quiet-time text; anything that does not read is left out (its target is merely read). */
export function decodeQuiet(base: number, text: string): Map<string, QuietTarget> {
  const quiet = new Map<string, QuietTarget>();
  const baseSeconds = Math.floor(base / 1000);
  const head = HASH_LENGTH + FINGERPRINT_LENGTH;
  for (const entry of text.split(',')) {
    const after = entry.slice(head);
    if (entry.length <= head || !/^[0-9a-z]{1,9}$/.test(after)) continue;
    quiet.set(entry.slice(0, HASH_LENGTH), {
      policy: entry.slice(HASH_LENGTH, head),
      until: (baseSeconds + Number.parseInt(after, 36)) * 1000,
    });
  }
  return quiet;
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
 * The targets of `keys` a tick may leave unread at `now`: those the ledger holds a quiet time for that is not over,
 * set under the policy now in force (`fingerprintOf`), with the time it ends.
 */
export function quietTargets(
  keys: readonly string[],
  ledger: PingLedger | undefined,
  fingerprintOf: (key: string) => string,
  now: number,
): Map<string, number> {
  const quiet = new Map<string, number>();
  if (ledger?.quiet === undefined || ledger.quiet.size === 0) return quiet;
  for (const [key, hash] of uniquelyHashed(keys)) {
    const entry = ledger.quiet.get(hash);
    if (entry !== undefined && isQuiet(entry, fingerprintOf(key), now)) quiet.set(key, entry.until);
  }
  return quiet;
}

/**
 * One tick's view of its shard's ledger: merges the stored round times into the loaded states, takes the rounds
 * the tick defers to it, forgets those a target's own save now records, keeps the quiet times, and says whether
 * anything changed.
 */
export class ShardPings {
  private readonly hashes: Map<string, string>;
  /** Round times newer than the target's own item says, by key. */
  private readonly entries = new Map<string, number>();
  /** Quiet times by key. */
  private readonly quiet = new Map<string, QuietTarget>();
  private readonly loaded: string;

  /**
   * Merges `ledger` into `states` (in place) for `keys`, the shard's targets; the entries of `spared` targets (left
   * unread this tick, so not in `states`) are kept as they are.
   */
  constructor(
    keys: readonly string[],
    ledger: PingLedger | undefined,
    states: Map<string, TargetState>,
    spared: ReadonlySet<string> = new Set(),
  ) {
    this.hashes = uniquelyHashed(keys);
    for (const [key, hash] of this.hashes) {
      const quiet = ledger?.quiet?.get(hash);
      if (quiet !== undefined) this.quiet.set(key, quiet);
      const at = ledger?.pings.get(hash);
      if (at === undefined) continue;
      if (spared.has(key)) {
        this.entries.set(key, at);
        continue;
      }
      // A target no item holds yet has its rounds here alone (roundSave's first rounds).
      const state = states.get(key) ?? unsavedState(key);
      const merged = withLedgerRound(state, at);
      if (merged === state) continue;
      states.set(key, merged);
      this.entries.set(key, at);
    }
    // Entries the ledger held for keys no longer here (or not in the states) are dropped: a change to save. So is a
    // ledger the environment holds unwritten: the tick saves it, or holds it again (held-ledger.ts).
    const kept =
      ledger === undefined ||
      (ledger.held !== true &&
        ledger.pings.size === this.entries.size &&
        (ledger.quiet?.size ?? 0) === this.quiet.size);
    this.loaded = kept ? this.text() : '';
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

  /** What the tick found of `key`: nothing to do until a known time (`quiet`), or undefined (read it next tick). */
  settle(key: string, quiet: QuietTarget | undefined): void {
    if (!this.hashes.has(key)) return;
    if (quiet === undefined) this.quiet.delete(key);
    else this.quiet.set(key, quiet);
  }

  /** Whether the ledger differs from the one loaded (or entries of keys no longer in the shard were dropped). */
  changed(): boolean {
    return this.text() !== this.loaded;
  }

  ledger(tickId: string): PingLedger {
    const byHash = <T>(entries: Map<string, T>) =>
      new Map([...entries].map(([key, value]) => [this.hashes.get(key)!, value] as const));
    return { tickId, pings: byHash(this.entries), ...(this.quiet.size > 0 ? { quiet: byHash(this.quiet) } : {}) };
  }

  private text(): string {
    const sorted = <T>(entries: Map<string, T>) => [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
    return JSON.stringify([sorted(this.entries), sorted(this.quiet)]);
  }
}

/** One shard's part of an invocation's targets: its ledger's id, its keys, and its ledger (null: unreadable). */
export interface LedgerPart {
  readonly id: string;
  readonly keys: readonly string[];
  readonly ledger: PingLedger | undefined | null;
}

/**
 * The ledgers of the shards one invocation runs (usually one; a root may run several itself): each target's rounds
 * and quiet time go to its own shard's ledger, and each ledger is saved on its own. A shard whose ledger could not
 * be read has none this tick: its rounds are saved in their items.
 */
export class ShardLedgers {
  private readonly byKey = new Map<string, ShardPings>();
  private readonly parts: ReadonlyArray<{ readonly id: string; readonly pings: ShardPings }>;

  /** Merges each part's ledger into `states` (see ShardPings); `spared` targets were not read. */
  constructor(parts: readonly LedgerPart[], states: Map<string, TargetState>, spared: ReadonlySet<string>) {
    this.parts = parts.flatMap((part) => {
      if (part.ledger === null) return [];
      const pings = new ShardPings(part.keys, part.ledger, states, spared);
      for (const key of part.keys) this.byKey.set(key, pings);
      return [{ id: part.id, pings }];
    });
  }

  canDefer(key: string): boolean {
    return this.byKey.get(key)?.canDefer(key) ?? false;
  }

  deferred(key: string, at: number): void {
    this.byKey.get(key)?.deferred(key, at);
  }

  saved(key: string): void {
    this.byKey.get(key)?.saved(key);
  }

  settle(key: string, quiet: QuietTarget | undefined): void {
    this.byKey.get(key)?.settle(key, quiet);
  }

  /** The ledgers that changed, by id, as of `tickId`. */
  changed(tickId: string): Array<{ readonly id: string; readonly ledger: PingLedger }> {
    return this.parts
      .filter((part) => part.pings.changed())
      .map((part) => ({ id: part.id, ledger: part.pings.ledger(tickId) }));
  }
}

/**
 * The state with the ledger's round at `at` laid over it, that round having changed nothing but its time: the traffic
 * history's `at` moves with it (the planner reads how recent the history is from it). The same object when the
 * state's own round is as late. The simulator's controller starting cold takes the ledger's round times the same way.
 */
export function withLedgerRound<State extends Pick<TargetState, 'lastPingAt' | 'traffic'>>(
  state: State,
  at: number,
): State {
  if (at <= (state.lastPingAt ?? Number.NEGATIVE_INFINITY)) return state;
  const traffic = state.traffic && { ...state.traffic, at: Math.max(state.traffic.at, at) };
  return { ...state, lastPingAt: at, ...(traffic ? { traffic } : {}) };
}
