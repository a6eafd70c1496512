import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoApi } from '../aws/ports';
import { STATE_TABLE } from '../contract';
import { StateStoreError } from '../errors';

type Item = Record<string, AttributeValue>;

/** BatchGetItem takes at most 100 keys a call. */
const BATCH_KEYS = 100;
const UNPROCESSED_ATTEMPTS = 5;

/**
 * Reads the items of `pks` with BatchGetItem (100 a call), unprocessed keys retried with backoff, and hands each
 * answer's items to `take`. A failed call rejects with the SDK's error; keys still unprocessed after the last attempt
 * with a StateStoreError naming `records`.
 */
export async function batchGetItems(
  dynamo: DynamoApi,
  tableName: string,
  pks: readonly string[],
  options: { readonly consistent: boolean; readonly records: string },
  take: (items: readonly Item[]) => void,
): Promise<void> {
  const unique = [...new Set(pks)];
  for (let start = 0; start < unique.length; start += BATCH_KEYS) {
    let pending: Item[] = unique
      .slice(start, start + BATCH_KEYS)
      .map((pk) => ({ [STATE_TABLE.partitionKey]: { S: pk } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === UNPROCESSED_ATTEMPTS) {
        throw new StateStoreError(`state table ${tableName}: ${pending.length} ${options.records} stayed unprocessed`);
      }
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const response = await dynamo.batchGetItem({
        RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent } },
      });
      take(response.Responses?.[tableName] ?? []);
      pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
}

interface Waiter {
  readonly resolve: (item: Item | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Strongly consistent reads of single items, gathered: those asked for in the same turn of the event loop go out as
 * one request (GetItem for one key, BatchGetItem for more). A tick asks for its ping ledger, the managed-listing mark
 * and the intent count at once; every SDK call costs the controller a few milliseconds of CPU, billed every tick.
 */
export class ConsistentReads {
  private queued: Map<string, Waiter[]> | undefined;

  constructor(
    private readonly dynamo: DynamoApi,
    private readonly tableName: string,
  ) {}

  /** The item whose partition key is `pk`, undefined when there is none. Rejects with the request's error. */
  get(pk: string): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      if (this.queued === undefined) {
        this.queued = new Map();
        queueMicrotask(() => this.flush());
      }
      const waiters = this.queued.get(pk) ?? [];
      waiters.push({ resolve, reject });
      this.queued.set(pk, waiters);
    });
  }

  private flush(): void {
    const queued = this.queued ?? new Map<string, Waiter[]>();
    this.queued = undefined;
    this.read([...queued.keys()]).then(
      (items) => {
        for (const [pk, waiters] of queued) for (const waiter of waiters) waiter.resolve(items.get(pk));
      },
      (error: unknown) => {
        for (const waiters of queued.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  }

  private async read(pks: readonly string[]): Promise<Map<string, Item>> {
    const PK = STATE_TABLE.partitionKey;
    const found = new Map<string, Item>();
    if (pks.length === 1) {
      const response = await this.dynamo.getItem({
        TableName: this.tableName,
        Key: { [PK]: { S: pks[0]! } },
        ConsistentRead: true,
      });
      if (response.Item) found.set(pks[0]!, response.Item);
      return found;
    }
    await batchGetItems(this.dynamo, this.tableName, pks, { consistent: true, records: 'records' }, (items) => {
      for (const item of items) {
        const pk = item[PK]?.S;
        if (pk !== undefined) found.set(pk, item);
      }
    });
    return found;
  }
}
