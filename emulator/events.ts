import { randomUUID } from 'node:crypto';
import { AwsError } from './errors';
import { isRecord, parseJsonBody } from './http/json-body';
import { type HttpResponse, json } from './http/server';

/** An event PutEvents accepted, kept for inspection. */
export interface ReceivedEvent {
  readonly id: string;
  /** Emulator-clock epoch ms when it was received. */
  readonly receivedAt: number;
  /** The entry's own `Time`, epoch ms, when given. */
  readonly time: number | undefined;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** `Detail` parsed from its JSON text. */
  readonly detail: unknown;
  readonly resources: readonly string[];
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 1024 * 1024;
const KEEP = 10_000;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

/** EventBridge PutEvents (awsJson1_1, `AWSEvents.PutEvents`) with AWS's per-entry validation. */
export class EventBus {
  private readonly received: ReceivedEvent[] = [];

  constructor(private readonly now: () => number) {}

  list(): ReceivedEvent[] {
    return [...this.received];
  }

  handle(operation: string, body: Buffer): HttpResponse {
    if (operation !== 'PutEvents') {
      throw new AwsError('UnknownOperationException', `The emulator does not implement AWSEvents.${operation}`, 400);
    }
    if (body.length > MAX_REQUEST_BYTES) {
      throw validation(`Total size of the entries in the request is over the limit of ${MAX_REQUEST_BYTES} bytes.`);
    }
    const input = parseJsonBody(body);
    const entries = isRecord(input) ? input.Entries : undefined;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw validation(
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
      );
    }
    if (entries.length > MAX_ENTRIES) {
      throw validation(
        `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    const results = entries.map((entry) => this.accept(entry));
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    return json(200, { FailedEntryCount: failed, Entries: results }, 'application/x-amz-json-1.1');
  }

  private accept(entry: unknown): EntryResult {
    if (!isRecord(entry)) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is not an object.' };
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const time = typeof entry.Time === 'number' ? entry.Time * 1000 : undefined;
    const event: ReceivedEvent = {
      id: randomUUID(),
      receivedAt: this.now(),
      time,
      eventBusName:
        typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default',
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      detail,
      resources: Array.isArray(entry.Resources)
        ? entry.Resources.filter((r): r is string => typeof r === 'string')
        : [],
    };
    this.received.push(event);
    if (this.received.length > KEEP) this.received.shift();
    return { EventId: event.id };
  }
}
