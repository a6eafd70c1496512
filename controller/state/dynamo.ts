import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoApi } from '../aws/ports';
import { STATE_TABLE } from '../contract';
import { errorName, StateStoreError } from '../errors';
import { batchGetItems, ConsistentReads } from './batched-reads';
import { refuseFutureTick, tickCeiling } from './future-tick';
import { HeldLedgers, withHeld } from './held-ledger';
import { readTargetItem } from './item';
import { packBody } from './packed-body';
import { decodeLedger, decodeQuiet, encodeLedger, encodeQuiet, type PingLedger } from './ping-ledger';
import { LONGEST_RUN_MS, RememberedItems, SHARED_WRITER } from './remembered-items';
import { HISTORY_LENGTH, TICK_CLAIM_TTL_SECONDS } from './schema';
import type { ClaimResult, OwnershipIntent, StateStore, TargetState, TickClaim } from './store';

const PK = STATE_TABLE.partitionKey;
const TARGET = 'target#';
const INTENT = 'intent#';
const PINGS = 'pings#';
const LEDGER_TTL_SECONDS = 7 * 86_400;
/**
 * The table's marks, in one small item so that a tick reads them all with one consistent read unit (three items were
 * three units a tick, most of a quiet account's reads):
 *
 * - Intents counted (since `intentsCountedSince`, when a listing first found none: in a table where an older version
 *   counted intents in an item of its own, a run of it may have been writing one until its time was certainly over,
 *   so only a listing that found none after that, at `intentsClearedAt`, lets the next ones be skipped; in a table
 *   where it never did, the counting is trusted from the start): `intentsRecorded` before each intent is written,
 *   `intentsWritten` once its write is over (whether it landed or not), and `intentsClearAt`, the count at which a
 *   full listing found none while none was being written. While `intentsClearAt` is the current count no intent can
 *   exist, and listing them (a scan of the whole table, tick claims and rate items included) is skipped: it was two
 *   scans a tick. An intent being written keeps the listing on; a run that died between the two counts keeps it on
 *   until the run's time is certainly over (INTENT_WRITE_MAX_MS).
 * - `managedDigest` and `managedAt`: the policy keys under which a listing of managed targets last found none outside
 *   them, and when. The next listing under the same keys is skipped for MANAGED_LISTING_MS (a record a tick of the
 *   previous policy set was still writing when the set changed is found by the listing after that).
 * - `writer`: who last wrote target items (see remembered-items.ts).
 *
 * Each is changed by an update of its own attributes, never by replacing the item.
 */
const MARKS = 'meta#marks';
/** Where versions before the marks item counted intents (`recorded`, `written`, `clearAt`). */
const LEGACY_INTENTS_MARK = 'meta#intents';
/** Longer than any invocation may run (Lambda's 15-minute maximum). */
const INTENT_WRITE_MAX_MS = LONGEST_RUN_MS;
const MANAGED_LISTING_MS = 15 * 60_000;
/** Stale only against a readable tick id that is older or the same; a missing, mistyped or future one is corrupt. */
const TICK_ORDER =
  'attribute_not_exists(#pk) OR attribute_not_exists(lastTick) OR NOT attribute_type(lastTick, :string) OR lastTick < :tick OR lastTick > :ceiling';
const tickPk = (claim: Pick<TickClaim, 'tickId' | 'shard'>) => `tick#${claim.tickId}#${claim.shard}`;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const str = (item: Record<string, AttributeValue>, name: string) => item[name]?.S;
const num = (item: Record<string, AttributeValue>, name: string) =>
  item[name]?.N === undefined ? undefined : Number(item[name].N);

function isConditionFailure(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

/**
 * The state table in DynamoDB (see schema.ts). Tick claims and target saves are conditional writes: the first
 * delivery of a scheduled tick wins, a duplicate finds the claim and changes nothing, and a run that lost its lease
 * cannot overwrite what a newer tick saved.
 */
export class DynamoStateStore implements StateStore {
  /** The tick's single-item reads, gathered into one request (see ConsistentReads). */
  private readonly reads: ConsistentReads;
  /** Target items this environment remembers between ticks (see remembered-items.ts); none unless asked for. */
  private readonly remembered: RememberedItems<TargetState> | undefined;
  /** Ping ledgers of whole ticks this environment holds unwritten (held-ledger.ts). */
  private readonly held = new HeldLedgers<PingLedger>();
  /** The tick under way: whether it is whole, the writer mark as it read it, the mark's write before its saves. */
  private tick: {
    readonly whole: boolean;
    readonly claim?: TickClaim;
    /** Who the writer mark names (undefined: nobody, or it could not be read). */
    mark?: Promise<string | undefined>;
    marking?: Promise<void>;
  } = { whole: false };

  /**
   * @param now the clock ticks are checked against (epoch ms); see future-tick.ts.
   * @param options.remember keep target items between ticks (a controller environment that runs tick after tick)
   */
  constructor(
    private readonly dynamo: DynamoApi,
    readonly tableName: string,
    private readonly now: () => number = Date.now,
    options: { readonly remember?: boolean } = {},
  ) {
    this.reads = new ConsistentReads(dynamo, tableName);
    this.remembered = options.remember ? new RememberedItems<TargetState>() : undefined;
  }

  private async call<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      // Already said what failed (records left unprocessed).
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError(`state table ${this.tableName}: ${what} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async claimTick(claim: TickClaim): Promise<ClaimResult> {
    refuseFutureTick(claim.tickId, this.now());
    // A shard's targets are a part of the account's, and other shards save the rest at the same time.
    this.tick = { whole: claim.shard === '0/1', claim };
    this.remembered?.tickStarted();
    if (!this.tick.whole) this.remembered?.forgetAll();
    try {
      await this.dynamo.putItem({
        TableName: this.tableName,
        Item: {
          [PK]: S(tickPk(claim)),
          status: S('running'),
          runId: S(claim.runId),
          startedAt: N(claim.now),
          leaseUntil: N(claim.leaseUntil),
          [STATE_TABLE.ttlAttribute]: N(Math.floor(claim.now / 1000) + TICK_CLAIM_TTL_SECONDS),
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR (#status = :running AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
        ExpressionAttributeValues: { ':running': S('running'), ':now': N(claim.now) },
      });
      return 'claimed';
    } catch (error) {
      if (isConditionFailure(error)) return 'taken';
      throw new StateStoreError(`state table ${this.tableName}: claiming tick ${claim.tickId} failed`, {
        cause: error,
      });
    }
  }

  async loadTargets(keys: readonly string[]): Promise<Map<string, TargetState>> {
    // Asked for now, so it goes out with the tick's other single items (ConsistentReads); a failed read is an
    // unknown mark, which only means reading every item and writing the mark before saving.
    const mark = this.readWriterMark();
    this.tick.mark = mark;
    const memory = this.tick.whole ? this.remembered : undefined;
    if (memory === undefined) return this.readTargets(keys);
    const startedAt = this.now();
    if (memory.trusts(startedAt)) {
      // The last tick's mark was ours: wait for this tick's before reading only what is not remembered.
      const plan = memory.readPlan(keys, startedAt, await mark);
      if (!plan.everything) {
        const { found, read } = plan;
        if (read.length === 0) return found;
        const fresh = await this.readTargets(read);
        memory.read(read, fresh, startedAt, false, isCorrupt);
        for (const [key, state] of fresh) found.set(key, state);
        return found;
      }
    }
    // Taking the mark over while the items are read (when that pays): one write now and then, instead of reading
    // every item every tick until this environment's first save. A failed write is tried again before that save.
    const takeover = mark.then((seen) =>
      memory.readPlan(keys, startedAt, seen).takeOver ? this.markWriter().catch(() => undefined) : undefined,
    );
    const [found] = await Promise.all([this.readTargets(keys), takeover]);
    memory.read(keys, found, startedAt, true, isCorrupt);
    return found;
  }

  private async readTargets(keys: readonly string[]): Promise<Map<string, TargetState>> {
    const found = new Map<string, TargetState>();
    // Eventually consistent (half the read units): the item was saved by the previous tick, at least the reserve
    // before this one started, and every save stays conditional on the tick order. What must not be missed, the
    // write-ahead intents, is read consistently.
    const what = { records: 'target records', reading: 'reading target records', consistent: false };
    await this.batchGet(TARGET, keys, what, (items) => {
      const ceiling = tickCeiling(this.now());
      for (const item of items) {
        const state = fromItem(item, ceiling);
        found.set(state.key, state);
      }
    });
    return found;
  }

  /** Who the writer mark names, undefined when there is none or it cannot be read. */
  private readWriterMark(): Promise<string | undefined> {
    return this.reads.get(MARKS).then(
      (item) => item && str(item, 'writer'),
      () => undefined,
    );
  }

  /**
   * Writes this run's name into the writer mark before its first target save of the tick, unless the mark has it
   * already: the environment's id when it remembers items in a whole tick, `shared` otherwise.
   */
  private markWriter(): Promise<void> {
    this.tick.marking ??= (async () => {
      const memory = this.tick.whole ? this.remembered : undefined;
      const writer = memory?.id ?? SHARED_WRITER;
      if ((await this.tick.mark) === writer) return;
      await this.call('writing the writer mark', () =>
        this.dynamo.updateItem({
          TableName: this.tableName,
          Key: { [PK]: S(MARKS) },
          UpdateExpression: 'SET writer = :writer, writerAt = :now',
          ExpressionAttributeValues: { ':writer': S(writer), ':now': N(this.now()) },
        }),
      );
      memory?.wroteMark(this.now());
      this.tick.mark = Promise.resolve(writer);
    })().catch((error: unknown) => {
      // The next save tries again; none goes out before the mark is written.
      this.tick.marking = undefined;
      throw error;
    });
    return this.tick.marking;
  }

  /** BatchGetItem of `prefix + key` for every key (see batchGetItems); each answer's items are handed to `take`. */
  private async batchGet(
    prefix: string,
    keys: readonly string[],
    what: { readonly records: string; readonly reading: string; readonly consistent: boolean },
    take: (items: readonly Record<string, AttributeValue>[]) => void,
  ): Promise<void> {
    const pks = keys.map((key) => prefix + key);
    await this.call(what.reading, () =>
      batchGetItems(this.dynamo, this.tableName, pks, { consistent: what.consistent, records: what.records }, take),
    );
  }

  async listManaged(policyKeys?: readonly string[]): Promise<TargetState[]> {
    const digest =
      policyKeys &&
      createHash('sha256')
        .update([...policyKeys].sort().join('\n'))
        .digest('base64url');
    if (digest !== undefined) {
      const mark = await this.call('reading the managed listing mark', () => this.reads.get(MARKS));
      const at = mark && num(mark, 'managedAt');
      if (mark && str(mark, 'managedDigest') === digest && at !== undefined && this.now() - at < MANAGED_LISTING_MS) {
        return [];
      }
    }
    const states = await this.scanManaged();
    const keys = new Set(policyKeys);
    if (digest !== undefined && states.every((state) => keys.has(state.key))) {
      await this.dynamo
        .updateItem({
          TableName: this.tableName,
          Key: { [PK]: S(MARKS) },
          UpdateExpression: 'SET managedDigest = :digest, managedAt = :now',
          ExpressionAttributeValues: { ':digest': S(digest), ':now': N(this.now()) },
        })
        // Not noted: the next tick lists again.
        .catch(() => undefined);
    }
    return states;
  }

  private async scanManaged(): Promise<TargetState[]> {
    const states: TargetState[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.call('listing managed targets', () =>
        this.dynamo.scan({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#pk, :target) AND attribute_exists(managed)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':target': S(TARGET) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const ceiling = tickCeiling(this.now());
      for (const item of page.Items ?? []) states.push(fromItem(item, ceiling));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return states;
  }

  async saveTarget(state: TargetState, tickId: string): Promise<'saved' | 'stale'> {
    refuseFutureTick(tickId, this.now());
    const item = targetItem(state, tickId);
    await this.markWriter();
    // Until the answer says otherwise, what the table holds for this key is not known here.
    this.remembered?.forget(state.key);
    try {
      await this.dynamo.putItem({
        TableName: this.tableName,
        Item: item,
        // Stale only against a readable tick id that is older or the same; a missing, mistyped or future one is
        // corrupt, and this write rebuilds the item.
        ConditionExpression: TICK_ORDER,
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':tick': S(tickId), ':ceiling': S(tickCeiling(this.now())), ':string': S('S') },
      });
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw new StateStoreError(`state table ${this.tableName}: saving ${state.key} failed`, { cause: error });
    }
    if (this.tick.whole) this.remembered?.saved(state.key, fromItem(item, tickCeiling(this.now())));
    return 'saved';
  }

  async loadPings(shard: string): Promise<PingLedger | undefined> {
    const stored = await this.readPings(shard);
    // What this environment holds unwritten goes over the table's copy (held-ledger.ts).
    return this.tick.whole ? withHeld(stored, this.held.held(shard)) : stored;
  }

  private async readPings(shard: string): Promise<PingLedger | undefined> {
    // Read with the tick's other single items in one consistent request (one SDK call instead of two); an eventually
    // consistent read would do (a round time a moment old at worst makes its target due once more).
    const item = await this.call('reading the ping ledger', () => this.reads.get(PINGS + shard));
    const tickId = item && str(item, 'lastTick');
    const base = item && num(item, 'base');
    const text = item && str(item, 'pings');
    const quiet = item && str(item, 'quiet');
    if (tickId === undefined || base === undefined || !Number.isFinite(base)) return undefined;
    if (tickId > tickCeiling(this.now())) return undefined;
    return {
      tickId,
      pings: decodeLedger(base, text ?? ''),
      ...(quiet !== undefined ? { quiet: decodeQuiet(base, quiet) } : {}),
    };
  }

  livesOn(): boolean {
    return this.remembered?.ranBefore() ?? false;
  }

  async savePings(shard: string, ledger: PingLedger): Promise<'saved' | 'stale' | 'held'> {
    refuseFutureTick(ledger.tickId, this.now());
    const tick = { whole: this.tick.whole, ranBefore: this.livesOn(), now: this.now() };
    if (this.held.hold(shard, ledger, tick)) return 'held';
    const saved = await this.writePings(shard, ledger);
    // Written, or a newer tick's ledger is there: what was held is the table's business now.
    this.held.written(shard);
    return saved;
  }

  private async writePings(shard: string, ledger: PingLedger): Promise<'saved' | 'stale'> {
    // The ledger of the tick's own claim, saved last thing in the tick, names the run that completed it.
    const { claim } = this.tick;
    const completes = claim !== undefined && claim.shard === shard && claim.tickId === ledger.tickId;
    try {
      await this.dynamo.putItem({
        TableName: this.tableName,
        Item: ledgerItem(shard, ledger, this.now(), completes ? claim.runId : undefined),
        ConditionExpression: TICK_ORDER,
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: {
          ':tick': S(ledger.tickId),
          ':ceiling': S(tickCeiling(this.now())),
          ':string': S('S'),
        },
      });
      return 'saved';
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw new StateStoreError(`state table ${this.tableName}: saving the ping ledger of shard ${shard} failed`, {
        cause: error,
      });
    }
  }

  async recordIntent(intent: OwnershipIntent): Promise<void> {
    // Counted before it is written: a listing skipped on the strength of the mark can never miss it.
    await this.call('counting an intent', () =>
      this.dynamo.updateItem({
        TableName: this.tableName,
        Key: { [PK]: S(MARKS) },
        UpdateExpression: 'ADD intentsRecorded :one SET intentsRecordedAt = :now',
        ExpressionAttributeValues: { ':one': N(1), ':now': N(this.now()) },
      }),
    );
    try {
      await this.putIntent(intent);
    } finally {
      await this.dynamo
        .updateItem({
          TableName: this.tableName,
          Key: { [PK]: S(MARKS) },
          UpdateExpression: 'ADD intentsWritten :one',
          ExpressionAttributeValues: { ':one': N(1) },
        })
        // Not counted: listings go on until INTENT_WRITE_MAX_MS has passed, which costs read units and nothing else.
        .catch(() => undefined);
    }
  }

  private async putIntent(intent: OwnershipIntent): Promise<void> {
    try {
      await this.dynamo.putItem({
        TableName: this.tableName,
        Item: {
          [PK]: S(INTENT + intent.key),
          tickId: S(intent.tickId),
          intent: S(JSON.stringify(intent)),
        },
        // A run that lost its lease must not replace the intent of a newer tick.
        ConditionExpression: 'attribute_not_exists(#pk) OR tickId <= :tick',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':tick': S(intent.tickId) },
      });
    } catch (error) {
      throw new StateStoreError(`state table ${this.tableName}: recording the intent for ${intent.key} failed`, {
        cause: error,
      });
    }
  }

  async clearIntent(key: string, tickId: string): Promise<void> {
    try {
      await this.dynamo.deleteItem({
        TableName: this.tableName,
        Key: { [PK]: S(INTENT + key) },
        ConditionExpression: 'tickId = :tick',
        ExpressionAttributeValues: { ':tick': S(tickId) },
      });
    } catch (error) {
      // Gone already, or a newer tick's: either way not ours to remove.
      if (isConditionFailure(error)) return;
      throw new StateStoreError(`state table ${this.tableName}: clearing the intent for ${key} failed`, {
        cause: error,
      });
    }
  }

  async loadIntents(keys: readonly string[]): Promise<Map<string, OwnershipIntent>> {
    const found = new Map<string, OwnershipIntent>();
    await this.batchGet(INTENT, keys, { records: 'intents', reading: 'reading intents', consistent: true }, (items) => {
      for (const item of items) {
        const intent = intentFromItem(item);
        if (intent) found.set(intent.key, intent);
      }
    });
    return found;
  }

  async listIntents(): Promise<OwnershipIntent[]> {
    const mark = await this.call('reading the intent count', () => this.reads.get(MARKS));
    const recorded = mark && num(mark, 'intentsRecorded');
    const clearAt = mark && num(mark, 'intentsClearAt');
    // Counted here only since `intentsCountedSince`: a run of a version that counted intents elsewhere may have been
    // writing one until its time was certainly over, so only a listing after that (`intentsClearedAt`) is trusted.
    const countedSince = mark && num(mark, 'intentsCountedSince');
    const clearedAt = mark && num(mark, 'intentsClearedAt');
    const trusted =
      countedSince !== undefined && clearedAt !== undefined && clearedAt - countedSince > INTENT_WRITE_MAX_MS;
    if (trusted && recorded !== undefined && clearAt === recorded) return [];
    const written = (mark && num(mark, 'intentsWritten')) ?? 0;
    const recordedAt = (mark && num(mark, 'intentsRecordedAt')) ?? 0;
    const settled = written === (recorded ?? 0) || this.now() - recordedAt > INTENT_WRITE_MAX_MS;
    // Asked for with the listing: whether a version that counted intents in an item of its own ever did here.
    const legacy = countedSince === undefined ? this.legacyIntentCount() : Promise.resolve(false);
    const intents = await this.scanIntents();
    if (intents.length === 0 && settled) await this.markIntentsClear(recorded, (await legacy) ? this.now() : 0);
    return intents;
  }

  /**
   * Notes that no intent exists, as of `recorded` intents counted: only if none was counted since (the condition),
   * so an intent recorded while the table was listed keeps the next listing.
   */
  private async markIntentsClear(recorded: number | undefined, countedSince: number): Promise<void> {
    const at = recorded ?? 0;
    await this.dynamo
      .updateItem({
        TableName: this.tableName,
        Key: { [PK]: S(MARKS) },
        UpdateExpression:
          'SET intentsClearAt = :at, intentsClearedAt = :now, intentsRecorded = if_not_exists(intentsRecorded, :at), intentsCountedSince = if_not_exists(intentsCountedSince, :since)',
        ConditionExpression: recorded === undefined ? 'attribute_not_exists(intentsRecorded)' : 'intentsRecorded = :at',
        ExpressionAttributeValues: { ':at': N(at), ':now': N(this.now()), ':since': N(countedSince) },
      })
      // Not noted: the next listing scans again, which costs read units and nothing else.
      .catch(() => undefined);
  }

  /**
   * Whether the item an older version counted intents in exists (read once, when counting here begins): where it
   * does not, that version never recorded an intent in this table, and counting here is trusted from the start.
   */
  private legacyIntentCount(): Promise<boolean> {
    return this.reads.get(LEGACY_INTENTS_MARK).then(
      (item) => item !== undefined,
      // Not known: as if it did, so listings go on until any run of that version is certainly over.
      () => true,
    );
  }

  private async scanIntents(): Promise<OwnershipIntent[]> {
    const intents: OwnershipIntent[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.call('listing intents', () =>
        this.dynamo.scan({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#pk, :intent)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':intent': S(INTENT) },
          // the list stands in for reading each target's intent (see run.ts), and those reads are consistent
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const intent = intentFromItem(item);
        if (intent) intents.push(intent);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return intents;
  }
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** An intent item, or undefined when it cannot be read (it is then as if none had been recorded). */
function intentFromItem(item: Record<string, AttributeValue>): OwnershipIntent | undefined {
  const parsed = parseJson<Partial<OwnershipIntent> | undefined>(str(item, 'intent'), undefined);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof parsed.key !== 'string' ||
    typeof parsed.tickId !== 'string' ||
    typeof parsed.at !== 'number'
  ) {
    return undefined;
  }
  return parsed as OwnershipIntent;
}

const isCorrupt = (state: TargetState) => state.corrupt !== undefined;

function fromItem(item: Record<string, AttributeValue>, ceiling: string): TargetState {
  const key = str(item, 'key') ?? (str(item, PK) ?? '').slice(TARGET.length);
  return readTargetItem(item, key, ceiling);
}

/** The item a target's state is saved as (the simulator sizes the controller's writes with it). */
export function targetItem(state: TargetState, tickId: string): Record<string, AttributeValue> {
  // The key is the partition key's (items written before it was left out carry a copy as `key`): a write unit
  // per started kilobyte makes every byte of an item saved each round count.
  const item: Record<string, AttributeValue> = {
    [PK]: S(TARGET + state.key),
    lastTick: S(tickId),
  };
  if (state.lastPingAt !== undefined) item.lastPingAt = N(state.lastPingAt);
  if (state.lastWanted !== undefined) item.lastWanted = N(state.lastWanted);
  if (state.lastProven !== undefined) item.lastProven = N(state.lastProven);
  if (state.managed !== undefined) item.managed = S(JSON.stringify(state.managed));
  // An unreadable ownership record (item.ts) is kept until a real one replaces it.
  else if (state.unreadableManaged !== undefined) item.managedUnreadable = S(state.unreadableManaged);
  item.packed = {
    B: packBody({
      history: state.history.slice(-HISTORY_LENGTH),
      facts: state.facts,
      settled: state.settled,
      traffic: state.traffic,
    }),
  };
  return item;
}

/**
 * The item a shard's ping ledger is saved as at `now` (the simulator sizes the controller's writes with it);
 * `completedBy`: the run whose tick it completes.
 */
export function ledgerItem(
  shard: string,
  ledger: PingLedger,
  now: number,
  completedBy?: string,
): Record<string, AttributeValue> {
  const base = Math.max(0, ...ledger.pings.values());
  const quiet = ledger.quiet && encodeQuiet(base, ledger.quiet);
  return {
    [PK]: S(PINGS + shard),
    lastTick: S(ledger.tickId),
    base: N(base),
    ...(ledger.pings.size > 0 ? { pings: S(encodeLedger(base, ledger.pings)) } : {}),
    ...(quiet ? { quiet: S(quiet) } : {}),
    ...(completedBy !== undefined ? { completedBy: S(completedBy) } : {}),
    // The ledger of a shard layout no longer used goes away (losing one only makes its targets due again).
    [STATE_TABLE.ttlAttribute]: N(Math.floor(now / 1000) + LEDGER_TTL_SECONDS),
  };
}
