import { StateStoreError } from '../errors';
import type { FunctionFacts } from '../observe/caches';
import type { ManagedRecord, TrafficHistory } from '../plan';
import { refuseFutureTick } from './future-tick';
import { decodeQuiet, encodeQuiet, type PingLedger } from './ping-ledger';
import type { SavedTraffic } from './traffic-memory';

/** One warm-up result, kept per target so the report and the planner can see the recent past. */
export interface PingRecord {
  readonly at: number;
  readonly wanted: number;
  readonly proven: number;
  readonly cold: number;
  readonly pings: number;
  readonly stoppedBy: string;
}

/** A stored item that could not be read as it was: reported once, by the tick that loaded it. */
export interface StateCorruption {
  readonly kind: 'state-corrupt';
  readonly key: string;
  /** The attributes that did not read (dropped; `managed` kept aside as `unreadableManaged`). */
  readonly fields: readonly string[];
  readonly message: string;
}

/**
 * Provisioned concurrency found settled (see ObservationCaches.settled) and when: kept in the item as well as in
 * memory, because shards land on whichever execution environment is free, whose memory holds other targets' copies.
 */
export interface SettledCopy {
  readonly at: number;
  readonly provisioned: {
    readonly requested: number;
    readonly allocated: number;
    readonly available: number;
    readonly status: 'READY';
  } | null;
  readonly alias?: { readonly weighted: false; readonly version?: string };
}

/** What survives between ticks for one target. */
export interface TargetState {
  readonly key: string;
  /** The last tick that saved this record: a save from an older or the same tick is refused. */
  readonly lastTick?: string;
  readonly lastPingAt?: number;
  readonly lastWanted?: number;
  readonly lastProven?: number;
  readonly managed?: ManagedRecord;
  /**
   * What GetFunction said and when (epoch ms). Kept here as well as in memory because shards and later ticks
   * often run in other execution environments, whose memory caches are empty.
   */
  readonly facts?: FunctionFacts & { readonly at: number };
  readonly settled?: SettledCopy;
  /** Real traffic as the proofs showed it (the demand model's input). */
  readonly traffic?: TrafficHistory;
  /**
   * What the stored traffic history says that the save rule reads (as loaded; not saved): `traffic` may be a newer
   * one from the controller's memory (TrafficMemory), saved when roundSave says so.
   */
  readonly trafficSaved?: SavedTraffic;
  readonly history: readonly PingRecord[];
  /**
   * The raw text of an ownership record that could not be read. Nothing is owned on its strength (what is deployed
   * counts as another owner's); saves carry it along until one carries a new `managed` record, which replaces it.
   */
  readonly unreadableManaged?: string;
  /** Set by loadTargets when the stored item was corrupt; the next save rebuilds the item. */
  readonly corrupt?: StateCorruption;
  /**
   * No item holds this target yet (not saved): what the tick knows of it is its last round's time, from the ping
   * ledger, and the traffic history the controller's memory keeps (see roundSave's first rounds).
   */
  readonly unsaved?: true;
}

export interface TickClaim {
  readonly tickId: string;
  /** `0/1` for an unsharded tick, `2/4` for the third of four shards. */
  readonly shard: string;
  readonly runId: string;
  readonly now: number;
  /** After this instant another delivery may take the tick over (the first run must have died). */
  readonly leaseUntil: number;
}

/**
 * `taken`: another delivery of the same tick claimed it and its lease has not run out (it is running, or done: no
 * write marks a tick done, since a delivery that takes an expired claim over finds the tick's state already saved).
 */
export type ClaimResult = 'claimed' | 'taken';

/**
 * Write-ahead record of ownership: saved before a target's first provisioned-concurrency or Application Auto Scaling
 * write, removed once the target's state (with the new `managed` record) is saved. One left behind means the writes
 * may have happened unrecorded; the next tick reconciles it with what is deployed (see act/intent.ts).
 */
export interface OwnershipIntent {
  readonly key: string;
  readonly tickId: string;
  /** What Thermostat owns once every write succeeded (undefined: nothing, e.g. a release). */
  readonly after?: ManagedRecord;
  /** What it owned before the writes. */
  readonly before?: ManagedRecord;
  /** Epoch ms it was recorded. */
  readonly at: number;
}

/**
 * Where the controller keeps what must survive between ticks. Every write is conditional, so a duplicated
 * scheduled delivery can never apply the same tick twice.
 */
export interface StateStore {
  /**
   * Claims a tick (shard) until `leaseUntil`; `taken` when another delivery holds it. The claim is a tick's only
   * bookkeeping write: a delivery that takes an expired claim over finds what the tick saved (its ledger, its
   * targets' rounds) and does nothing twice.
   */
  claimTick(claim: TickClaim): Promise<ClaimResult>;
  /** States by key; an item that did not read whole comes back rebuilt from what did, with `corrupt` set. */
  loadTargets(keys: readonly string[]): Promise<Map<string, TargetState>>;
  /**
   * Targets that hold a `managed` record (for cleaning up after a removed policy). Given the policy set's keys, a
   * store may instead answer none outside them without listing, while a recent listing under the same keys found none
   * outside them: records are only made for keys of the policy set (and those of gone policies reach the tick
   * through their intents).
   */
  listManaged(policyKeys?: readonly string[]): Promise<TargetState[]>;
  /**
   * Saves a target's state for `tickId`; `stale` when a newer or the same tick already saved it. A stored tick id
   * beyond the clock's horizon (see future-tick.ts) does not count as newer. Ticks beyond it are refused
   * (FutureTickError), here and in claimTick.
   */
  saveTarget(state: TargetState, tickId: string): Promise<'saved' | 'stale'>;
  /**
   * Records an intent, replacing an older tick's for the same target; rejects (StateStoreError) when a newer tick's
   * is there: the run holding the older tick lost its lease and must not write.
   */
  recordIntent(intent: OwnershipIntent): Promise<void>;
  /** Removes the target's intent if it is still the one `tickId` recorded. */
  clearIntent(key: string, tickId: string): Promise<void>;
  loadIntents(keys: readonly string[]): Promise<Map<string, OwnershipIntent>>;
  /** Every intent in the table (for targets whose policy is gone). */
  listIntents(): Promise<OwnershipIntent[]>;
  /**
   * A shard's ping ledger (see ping-ledger.ts), undefined when there is none; with what the environment holds unwritten
   * laid over it (held-ledger.ts).
   */
  loadPings(shard: string): Promise<PingLedger | undefined>;
  /**
   * Saves a shard's ping ledger for `ledger.tickId`; `stale` when a newer or the same tick already saved it (the same
   * rules and FutureTickError as saveTarget); `held` when the environment keeps it in memory instead (held-ledger.ts).
   * Saved last thing in a tick: a delivery that takes the tick's expired claim over and finds the ledger of that tick
   * knows it is over.
   */
  savePings(shard: string, ledger: PingLedger): Promise<'saved' | 'stale' | 'held'>;
  /**
   * Whether the environment running this tick ran one before: it lives from one tick to the next, so what it keeps
   * in memory is there for the next (roundSave). Absent: a store whose process outlives its ticks.
   */
  livesOn?(): boolean;
}

/** An in-process store with the same rules, for the CLI's local runs and for tests of the run loop. */
export class MemoryStateStore implements StateStore {
  readonly ticks = new Map<string, { runId: string; leaseUntil: number }>();
  readonly targets = new Map<string, TargetState>();
  readonly intents = new Map<string, OwnershipIntent>();
  readonly pings = new Map<string, PingLedger>();

  /** @param now the clock ticks are checked against (epoch ms). */
  constructor(private readonly now: () => number = Date.now) {}

  async claimTick(claim: TickClaim): Promise<ClaimResult> {
    refuseFutureTick(claim.tickId, this.now());
    const id = `${claim.tickId}#${claim.shard}`;
    const existing = this.ticks.get(id);
    if (existing && existing.leaseUntil >= claim.now) return 'taken';
    this.ticks.set(id, { runId: claim.runId, leaseUntil: claim.leaseUntil });
    return 'claimed';
  }

  async loadTargets(keys: readonly string[]): Promise<Map<string, TargetState>> {
    return new Map(keys.flatMap((key) => (this.targets.has(key) ? [[key, this.targets.get(key)!]] : [])));
  }

  async listManaged(): Promise<TargetState[]> {
    return [...this.targets.values()].filter((state) => state.managed !== undefined);
  }

  async saveTarget(state: TargetState, tickId: string): Promise<'saved' | 'stale'> {
    refuseFutureTick(tickId, this.now());
    const existing = this.targets.get(state.key);
    if (existing?.lastTick !== undefined && existing.lastTick >= tickId) return 'stale';
    const { corrupt: _reported, trafficSaved: _loaded, unsaved: _unsaved, unreadableManaged, ...saved } = state;
    // Like the table: an unreadable ownership record is dropped once a real one replaces it.
    const aside = saved.managed === undefined ? unreadableManaged : undefined;
    this.targets.set(state.key, {
      ...saved,
      ...(aside !== undefined ? { unreadableManaged: aside } : {}),
      lastTick: tickId,
    });
    return 'saved';
  }

  async recordIntent(intent: OwnershipIntent): Promise<void> {
    const existing = this.intents.get(intent.key);
    if (existing !== undefined && existing.tickId > intent.tickId) {
      throw new StateStoreError(`a newer tick (${existing.tickId}) recorded an intent for ${intent.key}`);
    }
    this.intents.set(intent.key, intent);
  }

  async clearIntent(key: string, tickId: string): Promise<void> {
    if (this.intents.get(key)?.tickId === tickId) this.intents.delete(key);
  }

  async loadIntents(keys: readonly string[]): Promise<Map<string, OwnershipIntent>> {
    return new Map(keys.flatMap((key) => (this.intents.has(key) ? [[key, this.intents.get(key)!]] : [])));
  }

  async listIntents(): Promise<OwnershipIntent[]> {
    return [...this.intents.values()];
  }

  async loadPings(shard: string): Promise<PingLedger | undefined> {
    return this.pings.get(shard);
  }

  async savePings(shard: string, ledger: PingLedger): Promise<'saved' | 'stale' | 'held'> {
    refuseFutureTick(ledger.tickId, this.now());
    const existing = this.pings.get(shard);
    if (existing !== undefined && existing.tickId >= ledger.tickId) return 'stale';
    const base = Math.max(0, ...ledger.pings.values());
    this.pings.set(shard, {
      tickId: ledger.tickId,
      pings: new Map(ledger.pings),
      // As the table keeps them: to the second, those over left out.
      ...(ledger.quiet ? { quiet: decodeQuiet(base, encodeQuiet(base, ledger.quiet)) } : {}),
    });
    return 'saved';
  }
}
