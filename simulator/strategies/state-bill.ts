import type { Architecture } from '../../controller/cost';
import type { ManagedRecord, TrafficHistory } from '../../controller/plan';
import {
  HeldLedgers,
  HISTORY_LENGTH,
  itemBytes,
  ledgerHash,
  ledgerItem,
  type PingRecord,
  type QuietTarget,
  RememberedItems,
  readUnits,
  roundSave,
  SHARED_WRITER,
  savedTraffic,
  TrafficMemory,
  targetItem,
  writeUnits,
} from '../../controller/state';
import type { StateUnits } from '../model/engine';

/**
 * Write request units a provisioned-concurrency change costs beyond the target's own save: the write-ahead intent
 * (counted, written, counted as written, cleared; controller/state/dynamo.ts recordIntent and clearIntent).
 */
const INTENT_WRITES = 4;
/** The marks item a root invocation reads with its ping ledger (managed listing, intent count, writer), consistently. */
const MARKS_ITEMS = 1;
/** The writer mark's write (a small item): one write unit. */
const MARK_WRITE = 1;
/** An invocation's claim of its tick (no write marks it done: see StateStore.claimTick). */
const CLAIM_WRITES = 1;
/** The one ledger a simulated controller keeps, as a whole tick names it (the controller's `0/1` shard). */
const LEDGER = '0/1';
/** A run id as the controller writes it into the ledger its tick saves last (a UUID). */
const RUN_ID = '00000000-0000-4000-8000-000000000000';

/** What the simulated controller keeps of one target, as far as its state item's size depends on it. */
export interface BilledTarget {
  readonly key: string;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  /** The policy's keep-alive window (`warm.interval`). */
  readonly keepAliveMs: number;
  readonly managed?: ManagedRecord;
  readonly traffic?: TrafficHistory;
  readonly lastPingAt?: number;
  readonly lastWanted?: number;
  readonly lastProven?: number;
}

/**
 * A simulated traffic history as the real controller would store it, for its size: the target helper names an
 * environment by its log stream (`2026/11/23/[$LATEST]` and 32 hex digits, where the simulator numbers them) and
 * times it in whole milliseconds (the simulator's arrivals fall anywhere within one).
 */
function asStored(traffic: TrafficHistory): TrafficHistory {
  const whole = (at: number | null) => (at === null ? null : Math.round(at));
  return {
    ...traffic,
    ...(traffic.lastRealAt !== undefined ? { lastRealAt: Math.round(traffic.lastRealAt) } : {}),
    environments: traffic.environments.map((env) => ({
      ...env,
      envId: `2026/11/23/[$LATEST]${env.envId.padStart(32, '0')}`,
      ...(env.initAt !== undefined ? { initAt: Math.round(env.initAt) } : {}),
      lastRealAt: whole(env.lastRealAt),
    })),
    ...(traffic.probe !== undefined
      ? {
          probe: {
            ...traffic.probe,
            lastRealAt: whole(traffic.probe.lastRealAt),
            ...(traffic.probe.envId !== undefined
              ? { envId: `2026/11/23/[$LATEST]${traffic.probe.envId.padStart(32, '0')}` }
              : {}),
          },
        }
      : {}),
  };
}

/** What a target's stored item says that the controller's save rule reads (roundSave). */
interface Stored {
  readonly lastPingAt?: number;
  readonly lastWanted?: number;
  readonly lastProven?: number;
  readonly traffic?: TrafficHistory;
}

/**
 * The controller's state table as one simulated controller uses it (controller/run.ts, controller/state): each
 * invocation claims its tick, reads its targets' items (eventually consistent) and its small items (consistent, in
 * one request); a round that proved what the last one did goes to the shard's ping ledger, one item written at the
 * tick's end when it changed, and so does one that changed only the traffic history, kept in the controller's memory
 * until its save is due (roundSave: the stored copy an hour old, or idle times that just came to predict the next
 * request); any other round, every provisioned-concurrency change and every minute-statistics read saves the target's
 * item. Items are sized by the controller's own item builders and billed by DynamoDB's request units, so what the
 * simulator charges is what the controller's requests would consume.
 */
export class StateBill {
  private readonly bytes = new Map<string, number>();
  private readonly stored = new Map<string, Stored>();
  private readonly history = new Map<string, PingRecord[]>();
  /** Round times the ping ledger holds, by key hash, as the controller's tick sees it (held ones included). */
  private ledger = new Map<string, number>();
  /** The ledger's round times as last written to the table. */
  private written = new Map<string, number>();
  /** What the controller's environment holds of the ledger unwritten (held-ledger.ts). */
  private held = new HeldLedgers<Map<string, number>>();
  /** Quiet times the ping ledger holds, by key hash (a sharded controller's). */
  private readonly quiet = new Map<string, QuietTarget>();
  private tick = { reads: 0, writes: 0, ledgerChanged: false, saves: 0, whole: true };
  /** What the controller's environment remembers of the target items (sizes), as controller/state/dynamo.ts does. */
  private memory = new RememberedItems<number>();
  /** The table's writer mark. */
  private mark: string | undefined;
  /**
   * The controller environment's memory of traffic histories, for when it began keeping those of targets no item
   * holds (TrafficMemory.unsavedSince): a cold one keeps nothing.
   */
  private kept = new TrafficMemory();

  /**
   * A tick starts (its root invocation): its claim, its small items (ledger and marks, one consistent request), its
   * targets' items (eventually consistent) unless the controller's environment remembers them
   * (controller/state/remembered-items.ts); its ledger's write at its end is counted in finishTick. `warm`: the tick
   * runs in the environment of the one before (a cold one remembers nothing); `whole`: not split into shards.
   */
  startTick(keys: readonly string[], at: number, tick: { readonly warm: boolean; readonly whole: boolean }): void {
    if (!tick.warm) {
      this.memory = new RememberedItems<number>();
      this.kept = new TrafficMemory();
      // what the last environment held unwritten went with it
      this.ledger = new Map(this.written);
      this.held = new HeldLedgers();
    }
    this.memory.tickStarted();
    const smallItems = this.ledgerRead() + MARKS_ITEMS * readUnits(0, true);
    this.tick = { reads: smallItems, writes: CLAIM_WRITES, ledgerChanged: false, saves: 0, whole: tick.whole };
    if (!tick.whole) {
      this.memory.forgetAll();
      this.readItems(keys);
      return;
    }
    const plan = this.memory.readPlan(keys, at, this.mark);
    this.readItems(plan.read);
    // the takeover while the items are read, when it pays
    if (plan.takeOver) this.markWriter(at);
    this.memory.read(plan.read, this.bytes, at, plan.everything);
  }

  private readItems(keys: readonly string[]): void {
    this.tick.reads += keys.reduce((sum, key) => sum + readUnits(this.bytes.get(key) ?? 0, false), 0);
  }

  /** The writer mark's write before a tick's first save (or while a whole tick reads), unless it says so already. */
  private markWriter(at: number): void {
    const writer = this.tick.whole ? this.memory.id : SHARED_WRITER;
    if (this.mark === writer) return;
    this.mark = writer;
    this.tick.writes += MARK_WRITE;
    if (this.tick.whole) this.memory.wroteMark(at);
  }

  /**
   * A further shard's invocation of the tick: its claim and its ledger's and the writer mark's read (its targets' reads
   * are counted in the root's startTick).
   */
  shardInvocation(): StateUnits {
    return { reads: this.ledgerRead() + readUnits(0, true), writes: CLAIM_WRITES };
  }

  /** A round of `target`'s pings ended: its item is saved, or its time goes to the ledger. */
  round(
    target: BilledTarget,
    round: { readonly at: number; readonly wanted: number; readonly proven: number; readonly probe: boolean },
    tickId: string,
  ): void {
    const stored = this.stored.get(target.key);
    const history = [
      ...(this.history.get(target.key) ?? []),
      {
        at: round.at,
        wanted: round.wanted,
        proven: round.proven,
        cold: 0,
        pings: round.wanted,
        stoppedBy: round.proven >= round.wanted ? 'proven' : 'rounds',
      },
    ].slice(-HISTORY_LENGTH);
    this.history.set(target.key, history);
    // as the controller loads it: the stored history beside what its save rule compares (savedTraffic)
    const saved = stored && { ...stored, ...savedTraffic(stored.traffic) };
    // timed as the controller times it: by its histories' clock
    const now = target.traffic?.at ?? round.at;
    // a whole tick's environment keeps the history of a target no item holds (a shard's may be any environment)
    const keepsUnsaved = stored === undefined && this.tick.whole;
    const where = roundSave({ ...round, traffic: target.traffic }, saved, {
      // the controller's environment keeps histories between ticks (a cold one plans from the stored copies)
      memory: true,
      now,
      otherChange: false,
      keepAliveMs: target.keepAliveMs,
      ...(keepsUnsaved ? { unsavedSince: this.kept.unsavedSince(target.key, now) } : {}),
      livesOn: this.memory.ranBefore(),
      pingedBefore: this.ledger.has(ledgerHash(target.key)),
    });
    // as the controller does when the round is not saved: the environment keeps the history, and since when
    if (where !== 'item' && target.traffic)
      this.kept.remember(target.key, target.traffic, keepsUnsaved ? now : undefined);
    if (where === 'memory') return;
    if (where === 'ledger') {
      this.ledger.set(ledgerHash(target.key), round.at);
      this.tick.ledgerChanged = true;
      return;
    }
    this.save(target, tickId);
  }

  /** What a sharded tick found of a target it planned: its quiet time, kept in the ledger, or none. */
  settle(key: string, quiet: QuietTarget | undefined): void {
    const hash = ledgerHash(key);
    const before = this.quiet.get(hash);
    if (before?.until === quiet?.until && before?.policy === quiet?.policy) return;
    if (quiet === undefined) this.quiet.delete(hash);
    else this.quiet.set(hash, quiet);
    this.tick.ledgerChanged = true;
  }

  /** A read of minute statistics changed the target's traffic history: the controller saves it. */
  trafficRead(target: BilledTarget, tickId: string): void {
    this.save(target, tickId);
  }

  /** The traffic history a controller starting cold plans `key` with: the stored one (none if never saved). */
  storedTraffic(key: string): TrafficHistory | undefined {
    return this.stored.get(key)?.traffic;
  }

  /**
   * When a controller starting cold finds `key` last pinged: its item's round and the ledger's entry, as the table
   * holds them (what its environment held unwritten is lost).
   */
  storedRounds(key: string): { readonly item?: number; readonly ledger?: number } {
    const item = this.stored.get(key)?.lastPingAt;
    const ledger = this.written.get(ledgerHash(key));
    return { ...(item !== undefined ? { item } : {}), ...(ledger !== undefined ? { ledger } : {}) };
  }

  /** A provisioned-concurrency change: its intent's writes and the target's save. */
  ownershipChange(target: BilledTarget, tickId: string): void {
    this.tick.writes += INTENT_WRITES;
    this.save(target, tickId);
  }

  /** The tick's request units, and the state round trips it waited for one after another. */
  finishTick(tickId: string, now: number): { readonly units: StateUnits; readonly roundTrips: number } {
    const { reads, saves } = this.tick;
    // a changed ledger, or one held unwritten, is saved or held again (the controller's ShardPings and savePings)
    const saving = this.tick.ledgerChanged || this.held.held(LEDGER) !== undefined;
    const tick = { whole: this.tick.whole, ranBefore: this.memory.ranBefore(), now };
    const writes = saving && !this.held.hold(LEDGER, this.ledger, tick);
    if (writes) {
      this.written = new Map(this.ledger);
      this.held.written(LEDGER);
    }
    const units = {
      reads,
      writes: this.tick.writes + (writes ? writeUnits(this.ledgerBytes(tickId, now, RUN_ID)) : 0),
    };
    // claim, reads, the ledger's save if it is written; the targets' saves while acting
    return { units, roundTrips: 2 + (writes ? 1 : 0) + (saves > 0 ? 1 : 0) };
  }

  private save(target: BilledTarget, tickId: string): void {
    const at = Date.parse(tickId);
    const item = targetItem(
      {
        key: target.key,
        history: this.history.get(target.key) ?? [],
        ...(target.lastPingAt !== undefined ? { lastPingAt: target.lastPingAt } : {}),
        ...(target.lastWanted !== undefined ? { lastWanted: target.lastWanted } : {}),
        ...(target.lastProven !== undefined ? { lastProven: target.lastProven } : {}),
        ...(target.managed ? { managed: target.managed } : {}),
        facts: {
          memoryMb: target.memoryMb,
          architecture: target.architecture,
          timeoutMs: 30_000,
          reservedConcurrency: null,
          snapStart: false,
          version: '1',
          at,
        },
        ...(target.traffic ? { traffic: asStored(target.traffic) } : {}),
      },
      tickId,
    );
    const bytes = itemBytes(item);
    this.markWriter(at);
    this.bytes.set(target.key, bytes);
    this.kept.forget(target.key);
    if (this.tick.whole) this.memory.saved(target.key, bytes);
    this.stored.set(target.key, {
      ...(target.lastPingAt !== undefined ? { lastPingAt: target.lastPingAt } : {}),
      ...(target.lastWanted !== undefined ? { lastWanted: target.lastWanted } : {}),
      ...(target.lastProven !== undefined ? { lastProven: target.lastProven } : {}),
      ...(target.traffic ? { traffic: target.traffic } : {}),
    });
    // the item now holds the latest round: its ledger entry goes, which changes the ledger (ShardPings.saved)
    if (this.ledger.delete(ledgerHash(target.key))) this.tick.ledgerChanged = true;
    this.tick.writes += writeUnits(bytes);
    this.tick.saves += 1;
  }

  private ledgerRead(): number {
    return readUnits(this.ledgerBytes('', 0), true);
  }

  private ledgerBytes(tickId: string, now: number, completedBy?: string): number {
    return itemBytes(ledgerItem(LEDGER, { tickId, pings: this.ledger, quiet: this.quiet }, now, completedBy));
  }
}
