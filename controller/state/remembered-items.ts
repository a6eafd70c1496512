/**
 * Target items remembered between ticks by the controller environment that last wrote the table.
 *
 * Reading every target item every tick was most of the state table's bill on accounts of many quiet targets (half a
 * read unit per target per tick, a few hundred times the writes those targets cause). A controller environment that
 * runs tick after tick already knows what it read and saved; what it cannot know by itself is whether anyone else
 * saved an item since. The **writer mark**, one small item read with the tick's other single items, answers that:
 * every run writes its environment's id into it before its first target save (`shared` for shards and runs that do
 * not remember), so while the mark still holds this environment's id, no other run has saved a target item since this
 * environment last looked.
 *
 * One race is left: a run that read the mark (and found itself) just before this environment took the mark over may
 * still save items until it ends. So an environment trusts what it remembers only after reading every item again once
 * a run's longest time (LONGEST_RUN_MS) has passed since it wrote the mark, and reads every item again at least every
 * REMEMBER_AT_MOST_MS whatever the mark says. A save that failed or was refused forgets its item (read again next
 * tick); a tick split into shards forgets everything.
 */
import { randomUUID } from 'node:crypto';
import { DYNAMODB_PRICES } from '../cost/prices';

/** Longer than any run may write: Lambda's 15-minute maximum, and a margin for a request still in flight. */
export const LONGEST_RUN_MS = 16 * 60_000;
/** How long remembered items may stand in for the table at most: every item is read again at least this often. */
export const REMEMBER_AT_MOST_MS = 60 * 60_000;
/**
 * Targets from which an environment takes the mark over as soon as it reads them all, rather than before its first
 * save: the mark's write costs what reading this many items (under 4 KB, eventually consistent) costs (the prices'
 * ratio is whole).
 */
export const EAGER_TAKEOVER_TARGETS = Math.round((2 * DYNAMODB_PRICES.writeUnit) / DYNAMODB_PRICES.readUnit);
/** The writer mark's value for runs that do not remember (shards, the CLI): nobody trusts it. */
export const SHARED_WRITER = 'shared';

/**
 * One controller environment's remembered items (`T`: a target's state in the controller, an item's size in the
 * simulator's bill) and when they may stand in for the table.
 */
export class RememberedItems<T> {
  /** Remembered items by key; null: known to have no item. */
  private readonly items = new Map<string, T | null>();
  /** Reads of every item before this instant may have missed another run's last saves. */
  private taintedUntil = Number.NEGATIVE_INFINITY;
  /** When the last read of every item started. */
  private readAllAt: number | undefined;
  /** The mark as this environment last read or wrote it. */
  private mark: string | undefined;
  /** Ticks this environment started. */
  private ticks = 0;

  /** @param id this environment's name in the writer mark (random: environments never share one). */
  constructor(readonly id: string = randomUUID()) {}

  /** Whether the remembered items stand in for the table at `now`, given the mark the tick read (last known). */
  trusts(now: number, mark: string | undefined = this.mark): boolean {
    return (
      mark === this.id &&
      this.readAllAt !== undefined &&
      this.readAllAt >= this.taintedUntil &&
      now - this.readAllAt < REMEMBER_AT_MOST_MS
    );
  }

  /** A tick starts in this environment. */
  tickStarted(): void {
    this.ticks += 1;
  }

  /**
   * Whether a tick reading all of `targets` items should take the mark over right away: only when the items' reads
   * it saves cost more than the write, and the environment has lived from one tick to the next (one that starts cold
   * every tick, its schedule paused longer than Lambda keeps it, would pay the write every tick for nothing).
   */
  takesOverEarly(targets: number): boolean {
    return this.ranBefore() && targets >= EAGER_TAKEOVER_TARGETS;
  }

  /** Whether this environment ran a tick before the one under way: it lives from one tick to the next. */
  ranBefore(): boolean {
    return this.ticks > 1;
  }

  /** The tick read the writer mark. */
  sawMark(mark: string | undefined): void {
    this.mark = mark;
  }

  /** This environment wrote its id into the mark; `at` is when the write was answered. */
  wroteMark(at: number): void {
    this.mark = this.id;
    this.taintedUntil = Math.max(this.taintedUntil, at + LONGEST_RUN_MS);
  }

  /**
   * What a whole tick reads once it knows the writer mark: only the keys not remembered (`found` holds the rest), or
   * every key, and then whether to take the mark over right away. One rule for the controller (dynamo.ts) and the
   * simulator's bill.
   */
  readPlan(
    keys: readonly string[],
    now: number,
    mark: string | undefined,
  ): {
    readonly found: Map<string, T>;
    readonly read: readonly string[];
    readonly everything: boolean;
    readonly takeOver: boolean;
  } {
    this.sawMark(mark);
    if (this.trusts(now)) {
      const { found, missing } = this.recall(keys);
      return { found, read: missing, everything: false, takeOver: false };
    }
    return {
      found: new Map(),
      read: keys,
      everything: true,
      takeOver: mark !== this.id && this.takesOverEarly(keys.length),
    };
  }

  /** The remembered items of `keys` (undefined: none remembered), and the keys not remembered either way. */
  recall(keys: readonly string[]): { readonly found: Map<string, T>; readonly missing: string[] } {
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const key of keys) {
      const item = this.items.get(key);
      if (item === undefined) missing.push(key);
      else if (item !== null) found.set(key, item);
    }
    return { found, missing };
  }

  /**
   * `keys` were read, starting at `at` (`everything`: every key the tick needs, so the read counts towards trust);
   * `found` holds those that have an item. `unsettled` items (corrupt ones) are not remembered: they are read again.
   */
  read(
    keys: readonly string[],
    found: ReadonlyMap<string, T>,
    at: number,
    everything: boolean,
    unsettled?: (item: T) => boolean,
  ): void {
    if (everything) this.readAllAt = at;
    for (const key of keys) {
      const item = found.get(key);
      if (item !== undefined && unsettled?.(item)) this.items.delete(key);
      else this.items.set(key, item ?? null);
    }
  }

  /** An item this environment saved, as the table now holds it. */
  saved(key: string, item: T): void {
    this.items.set(key, item);
  }

  /** An item whose stored form is not known (a save refused or failed): it is read again. */
  forget(key: string): void {
    this.items.delete(key);
  }

  /** Nothing remembered stands in for the table any more (a tick split into shards). */
  forgetAll(): void {
    this.items.clear();
    this.readAllAt = undefined;
  }
}
