/**
 * An account-wide requests-per-second budget kept in the state table, so every Thermostat controller and shard of
 * an account (and Region) together stays under a quota that AWS counts per account, such as the Lambda control
 * plane's 15 requests/second.
 *
 * The bucket refills once a second: one item per budget and second (`rate#<name>#<epoch second>`) counts the
 * tokens handed out for that second, and a claim is a single conditional `ADD` that succeeds only while the count
 * stays within the budget. No read, no lock, no clock agreement beyond the second: two controllers claiming at
 * once are serialised by DynamoDB, and the loser learns that the second is spent. Tokens are claimed in small
 * batches (sized to what this caller can send before the second ends) to keep DynamoDB calls few; unused tokens
 * lapse with their second. Items expire through the table's TTL attribute.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock';
import { STATE_TABLE } from '../contract';
import { errorName, TimeBudgetError } from '../errors';
import type { DynamoApi } from './ports';
import type { RateGate } from './rate-limit';

/** How long a per-second item is kept (TTL); only the current second is ever read. */
const ITEM_TTL_SECONDS = 3_600;
/** After the table fails, calls go on under the local limiter alone for this long before trying again. */
const UNAVAILABLE_BACKOFF_MS = 30_000;
/** Most random delay added after a spent second, so contending controllers do not all claim at its turn. */
const JITTER_MS = 100;
/**
 * No token is used in the last part of its second: a request takes a moment to reach AWS, and one that arrives
 * in the next second would count against that second's budget too.
 */
const GUARD_MS = 250;

export interface SharedBucketOptions {
  readonly dynamo: DynamoApi;
  readonly table: string;
  /** The budget's name, e.g. `lambda-control`; one item per second under `rate#<name>#`. */
  readonly name: string;
  /** Tokens per second for the whole account. */
  readonly perSecond: number;
  /** The rate this caller sends at (its local limiter's rps at share 1): sizes the batches. */
  readonly callerRps: number;
  /** Most tokens one claim takes (before scaling by the share). @default 5 */
  readonly maxBatch?: number;
  readonly clock: Clock;
  /** @default Math.random */
  readonly random?: () => number;
  /** Told once when the table cannot be used and the budget is skipped for a while. */
  readonly onUnavailable?: (error: unknown) => void;
}

/** What a budget did, for the report and the benchmark. */
export interface SharedBucketStats {
  /** UpdateItem calls (claims, successful or not). */
  writes: number;
  /** Tokens obtained. */
  claimed: number;
  /** Claims refused because the second was spent. */
  refused: number;
  /** Calls that went out without a token because the table was unavailable. */
  unguarded: number;
}

export class SharedBucket implements RateGate {
  /** This caller's share of the account's rate (1/N for one of N shards): smaller batches. */
  share = 1;
  /** Epoch ms past which no call may wait. */
  deadline = Number.POSITIVE_INFINITY;
  readonly stats: SharedBucketStats = { writes: 0, claimed: 0, refused: 0, unguarded: 0 };

  private second = Number.NaN;
  private left = 0;
  private unavailableUntil = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();
  private readonly random: () => number;

  constructor(private readonly options: SharedBucketOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Resolves when this call holds one of the account's tokens for the current second. */
  take(): Promise<void> {
    // One claim in flight at a time: callers queue in order and share the batch the claim brings back.
    const turn = this.queue.then(() => this.takeOne());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** A throttle seen anyway (someone outside Thermostat spent the quota): drop what is left of this second. */
  backOff(): void {
    this.left = 0;
  }

  private async takeOne(): Promise<void> {
    const { clock } = this.options;
    for (;;) {
      let now = clock.now();
      if (now % 1000 > 1000 - GUARD_MS) {
        const wait = 1000 - (now % 1000);
        if (now + wait > this.deadline) throw this.outOfTime();
        await clock.sleep(wait);
        now = clock.now();
      }
      const second = Math.floor(now / 1000);
      if (second === this.second && this.left > 0) {
        this.left -= 1;
        return;
      }
      if (now < this.unavailableUntil) {
        this.stats.unguarded += 1;
        return;
      }
      const granted = await this.claim(second, this.batchSize(now));
      if (granted === undefined) {
        this.stats.unguarded += 1;
        return;
      }
      if (granted > 0) {
        this.second = second;
        this.left = granted - 1;
        return;
      }
      const wait = (second + 1) * 1000 - clock.now() + this.random() * JITTER_MS;
      if (clock.now() + wait > this.deadline) throw this.outOfTime();
      await clock.sleep(wait);
    }
  }

  private outOfTime(): TimeBudgetError {
    return new TimeBudgetError(
      `not sent: the account's ${this.options.perSecond} requests/s of ${this.options.name} are spent, and the next second is past the tick's time budget`,
    );
  }

  /** Tokens worth claiming now: what this caller can send before the second ends, within the batch cap. */
  private batchSize(now: number): number {
    const cap = Math.max(1, Math.floor((this.options.maxBatch ?? 5) * this.share));
    const left = Math.max(0, 1000 - GUARD_MS - (now % 1000)) / 1000;
    return Math.max(1, Math.min(cap, Math.ceil(this.options.callerRps * this.share * left)));
  }

  /** Claims up to `want` tokens of `second`: how many were granted (0 if spent), undefined if the table failed. */
  private async claim(second: number, want: number): Promise<number | undefined> {
    for (const count of want > 1 ? [want, 1] : [1]) {
      if (count > this.options.perSecond) continue;
      this.stats.writes += 1;
      try {
        await this.options.dynamo.updateItem({
          TableName: this.options.table,
          Key: { [STATE_TABLE.partitionKey]: { S: `rate#${this.options.name}#${second}` } },
          UpdateExpression: 'ADD #used :count SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#used) OR #used <= :most',
          ExpressionAttributeNames: { '#used': 'used', '#ttl': STATE_TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':count': number(count),
            ':most': number(this.options.perSecond - count),
            ':ttl': number(second + ITEM_TTL_SECONDS),
          },
        });
        this.stats.claimed += count;
        return count;
      } catch (error) {
        if (errorName(error) !== 'ConditionalCheckFailedException') {
          this.unavailableUntil = this.options.clock.now() + UNAVAILABLE_BACKOFF_MS;
          this.options.onUnavailable?.(error);
          return undefined;
        }
        this.stats.refused += 1;
      }
    }
    return 0;
  }
}

const number = (value: number): AttributeValue => ({ N: String(value) });
