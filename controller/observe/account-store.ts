/**
 * The account's concurrency settings as last read, kept in the state table so a tick whose GetAccountSettings
 * fails (throttled, denied, an outage) still plans with real numbers instead of skipping every target without a
 * `budget.maxConcurrency`. Written only when the settings change (or once a day), not at every read.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoApi } from '../aws/ports';
import { STATE_TABLE } from '../contract';
import type { AccountConcurrency } from '../plan';

export interface KnownAccount {
  readonly account: AccountConcurrency;
  /** Epoch ms of the read. */
  readonly at: number;
}

export interface AccountStore {
  load(): Promise<KnownAccount | undefined>;
  save(known: KnownAccount): Promise<void>;
}

/**
 * Used when the settings were never read: Lambda's default account concurrency is 1,000, but new accounts get
 * far less (AWS then refuses to let unreserved concurrency fall below 10 or 50), so the fallback assumes a small
 * account. Pings are then capped at a share of 100, and the report says the budget is a default.
 */
export const DEFAULT_ACCOUNT: AccountConcurrency = { limit: 100, unreserved: 100 };

const PK = 'meta#account-settings';
const REWRITE_AFTER_MS = 24 * 3600_000;

export class DynamoAccountStore implements AccountStore {
  private saved: KnownAccount | undefined;

  constructor(
    private readonly dynamo: DynamoApi,
    private readonly table: string,
  ) {}

  async load(): Promise<KnownAccount | undefined> {
    const response = await this.dynamo.getItem({
      TableName: this.table,
      Key: { [STATE_TABLE.partitionKey]: { S: PK } },
    });
    const item = response.Item;
    const limit = numberOf(item?.limit);
    const unreserved = numberOf(item?.unreserved);
    const at = numberOf(item?.at);
    if (limit === undefined || unreserved === undefined || at === undefined) return undefined;
    return { account: { limit, unreserved }, at };
  }

  async save(known: KnownAccount): Promise<void> {
    const last = this.saved;
    if (
      last !== undefined &&
      last.account.limit === known.account.limit &&
      last.account.unreserved === known.account.unreserved &&
      known.at - last.at < REWRITE_AFTER_MS
    )
      return;
    await this.dynamo.putItem({
      TableName: this.table,
      Item: {
        [STATE_TABLE.partitionKey]: { S: PK },
        limit: { N: String(known.account.limit) },
        unreserved: { N: String(known.account.unreserved) },
        at: { N: String(known.at) },
      },
    });
    this.saved = known;
  }
}

/** The same, in memory (the CLI's local runs, tests). */
export class MemoryAccountStore implements AccountStore {
  known: KnownAccount | undefined;
  async load(): Promise<KnownAccount | undefined> {
    return this.known;
  }
  async save(known: KnownAccount): Promise<void> {
    this.known = known;
  }
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  return value?.N === undefined ? undefined : Number(value.N);
}
