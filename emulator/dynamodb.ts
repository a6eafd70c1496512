import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CallCounter } from './calls';
import { EmulatorRuntimeError } from './errors';
import { close } from './http/server';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

type Dynalite = (options: DynaliteOptions) => Server;

/** Operations that bill request units and can say how many (ReturnConsumedCapacity). */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

function listen(server: Server, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new EmulatorRuntimeError(`${what} did not start: ${error.message}`, { cause: error })),
    );
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * A real local DynamoDB (dynalite, in memory) on 127.0.0.1, with table state changes made instant. With `calls`,
 * requests pass through a counting front that asks dynalite for the consumed capacity of each read and write (the
 * request units DynamoDB on demand bills) and counts them; the caller's own response is dynalite's, unchanged.
 */
export async function startDynamo(calls?: CallCounter): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  let dynalite: Dynalite;
  try {
    // Required only here, so emulators without DynamoDB never load dynalite and its dependencies. A built package
    // carries it bundled (in memory only) in dist/vendor; from the sources it is the dev dependency.
    const vendored = join(__dirname, '..', 'vendor', 'dynalite.js');
    dynalite = require(existsSync(vendored) ? vendored : 'dynalite') as Dynalite;
  } catch (error) {
    throw new EmulatorRuntimeError('dynamodb: true needs the "dynalite" package; install it', { cause: error });
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, 'dynalite');
  if (!calls) return { endpoint: `http://127.0.0.1:${port}`, stop: () => close(server) };
  const front = createServer((req, res) => {
    readAll(req).then((body) => forward(port, req, body, calls, res));
  });
  const frontPort = await listen(front, 'the DynamoDB call counter');
  return {
    endpoint: `http://127.0.0.1:${frontPort}`,
    stop: async () => {
      await close(front);
      await close(server);
    },
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function forward(port: number, req: IncomingMessage, original: Buffer, calls: CallCounter, res: ServerResponse): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  const billed = READS.has(operation) || WRITES.has(operation);
  let body = original;
  if (billed) {
    try {
      // dynalite, like DynamoDB, reports consumed capacity only when asked; the caller's request is signed but
      // dynalite does not check signatures, so the added field changes nothing else.
      const input = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      body = Buffer.from(JSON.stringify(input));
    } catch {
      // not JSON: dynalite answers with its own error
    }
  }
  const upstream = request(
    {
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.url,
      headers: { ...withoutLength(req.headers), 'content-length': String(body.length) },
    },
    (answer) => {
      readAll(answer).then((out) => {
        if (billed)
          calls.add('dynamodb', operation, consumedUnits(answer.statusCode ?? 500, out, WRITES.has(operation)));
        else calls.add('dynamodb', operation, 0);
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        res.end(out);
      });
    },
  );
  upstream.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`dynalite did not answer: ${error.message}`);
  });
  upstream.end(body);
}

function withoutLength(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = headers;
  return rest;
}

/** Request units a response reports; a failed conditional write is billed too (at least one write unit). */
function consumedUnits(status: number, out: Buffer, write: boolean): number {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(out.toString('utf8')) as Record<string, unknown>;
  } catch {
    return 0;
  }
  if (status !== 200) return write && String(parsed.__type ?? '').endsWith('ConditionalCheckFailedException') ? 1 : 0;
  const consumed = parsed.ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return list.reduce<number>(
    (sum, entry) => sum + (Number((entry as { CapacityUnits?: unknown }).CapacityUnits) || 0),
    0,
  );
}
