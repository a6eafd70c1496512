import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, EmulatorRuntimeError } from '../errors';

export interface HttpRequest {
  readonly method: string;
  /** Path without the query string, still URL-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  /** The request id the response carries (`x-amzn-requestid`); Invoke reuses it as the awsRequestId. */
  readonly requestId: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export type Dispatch = (request: HttpRequest) => Promise<HttpResponse>;

/** Largest body read at all; Invoke's own 6 MB / 1 MB limits are checked by Invoke. */
const MAX_BODY = 7 * 1024 * 1024;

type Protocol = 'restJson' | 'awsJson1_0' | 'awsJson1_1';

function protocolOf(request: Pick<HttpRequest, 'headers'>): Protocol {
  if (request.headers['x-amz-target'] === undefined) return 'restJson';
  return String(request.headers['content-type'] ?? '').includes('1.0') ? 'awsJson1_0' : 'awsJson1_1';
}

/** Renders a service error the way the called protocol expects, so the SDK raises the typed exception. */
export function errorResponse(error: AwsError, protocol: Protocol): HttpResponse {
  if (protocol === 'restJson') {
    const body = {
      Type: error.isServerFault ? 'Service' : 'User',
      ...error.members,
      message: error.message,
    };
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, ...error.headers },
      body: JSON.stringify(body),
    };
  }
  return {
    status: error.status,
    headers: {
      'content-type': `application/x-amz-json-${protocol === 'awsJson1_0' ? '1.0' : '1.1'}`,
      'x-amzn-errortype': error.code,
      ...error.headers,
    },
    body: JSON.stringify({ __type: error.code, message: error.message, ...error.members }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: HttpResponse, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = response.body ?? '';
  res.writeHead(response.status, {
    'x-amzn-requestid': requestId,
    'content-length': String(Buffer.byteLength(body)),
    ...response.headers,
  });
  res.end(body);
}

/**
 * Why a request did not come from a client on this machine talking to this server, or undefined when it did. The
 * server listens on loopback only, but a web page the user opens can still reach it through the browser: by DNS
 * rebinding (a name of the attacker's that now resolves to 127.0.0.1, so the Host header is that name) or by a
 * cross-origin "simple" request (a text/plain POST needs no CORS preflight). SDK clients and scripts send
 * `Host: 127.0.0.1:<port>` or `localhost:<port>` and no Origin; a browser on the emulator's own pages sends its own
 * origin.
 */
export function foreignRequest(headers: IncomingMessage['headers'], port: number): string | undefined {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`, ...(port === 80 ? ['127.0.0.1', 'localhost'] : [])];
  const host = headers.host?.toLowerCase();
  if (host === undefined || !own.includes(host))
    return `Host ${JSON.stringify(clip(headers.host ?? ''))} is not this emulator's own address (${own[0]})`;
  const origin = headers.origin;
  if (origin !== undefined && !own.some((address) => origin.toLowerCase() === `http://${address}`))
    return `cross-origin request from ${JSON.stringify(clip(origin))}`;
  // Browsers that send no Origin (a GET from an <img>, a form in some browsers) still say where the request is from.
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `cross-site request (Sec-Fetch-Site: ${clip(String(site))})`;
  return undefined;
}

const clip = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

/**
 * One HTTP server on 127.0.0.1 for every emulated service. Many connections at once are normal here (a warmer
 * holds hundreds of requests open), so there is no request timeout and keep-alive outlasts the SDK's. Requests that
 * do not come from a local client (see foreignRequest) are refused with 403 before anything else happens.
 */
export async function listen(port: number, dispatch: Dispatch): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const refused = foreignRequest(req.headers, (server.address() as AddressInfo).port);
    if (refused !== undefined) {
      // Refused before the body is read: nothing is dispatched, no handler runs, no fault is injected.
      const error = new AwsError('AccessDeniedException', `the emulator only serves local clients: ${refused}`, 403);
      res.setHeader('connection', 'close');
      send(res, errorResponse(error, protocolOf(req)), requestId);
      req.resume();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void readBody(req)
      .then(async (body) => {
        const request = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: body ?? Buffer.alloc(0),
          requestId,
        };
        if (body === undefined) {
          throw new AwsError('RequestTooLargeException', `Request must be smaller than ${MAX_BODY} bytes`, 413, {
            Type: 'User',
          });
        }
        return dispatch(request);
      })
      .then(
        (response) => send(res, response, requestId),
        (error: unknown) => {
          const aws =
            error instanceof AwsError
              ? error
              : new AwsError(
                  'ServiceException',
                  `emulator error: ${(error as Error).message}`,
                  500,
                  {},
                  {},
                  {
                    cause: error,
                  },
                );
          send(res, errorResponse(aws, protocolOf(req)), requestId);
        },
      );
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 200;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new EmulatorRuntimeError(`cannot listen on 127.0.0.1:${port}: ${error.message}`, { cause: error })),
    );
    server.listen(port, '127.0.0.1', 1024, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${actual}` };
}

export async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function json(status: number, body: unknown, contentType = 'application/json'): HttpResponse {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(body) };
}
