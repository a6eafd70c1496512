/**
 * The emulator serves local clients only: a web page the user has open must not be able to invoke a function or
 * inject a fault, neither by DNS rebinding (its own name in Host) nor by a cross-origin "simple" request.
 */
import { request } from 'node:http';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Emulator } from '../../../emulator';
import { clients, echo, testEmulator } from '../helpers';

let emulator: Emulator;
let port: number;
beforeAll(async () => {
  emulator = await testEmulator({ functions: [{ name: 'echo', handler: 'echo.js' }] });
  port = Number(new URL(emulator.endpoint).port);
});
afterAll(() => emulator.stop());

/** A raw HTTP request to the emulator's socket with exactly these headers (fetch would not let a test set Host). */
function raw(method: string, path: string, headers: Record<string, string>, body = '') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const invocations = () => emulator.inspect().functions.find((fn) => fn.name === 'echo')!.counts.invocations;
const fault = JSON.stringify({ kind: 'throttle', functionName: 'echo' });
const invokePath = '/2015-03-31/functions/echo/invocations';

describe('the emulator refuses requests that do not come from a local client', () => {
  afterEach(() => emulator.clearFaults());

  it('refuses a Host that is not its own loopback address (DNS rebinding): no fault, no invocation', async () => {
    const before = invocations();
    for (const host of [`rebind.attacker.example:${port}`, `127.0.0.1:${port + 1}`, `[::1]:${port}`, '127.0.0.1']) {
      const injected = await raw('POST', '/_emulator/faults', { host, 'content-type': 'text/plain' }, fault);
      expect(injected.status).toBe(403);
      expect(JSON.parse(injected.body).message).toMatch(/only serves local clients: Host .* is not this emulator/);
      const invoked = await raw('POST', invokePath, { host, 'content-type': 'text/plain' }, '{}');
      expect(invoked.status).toBe(403);
    }
    expect(emulator.inspect().faults).toEqual([]);
    expect(invocations()).toBe(before);
  });

  it('refuses a cross-origin text/plain POST (no preflight needed) before any handler runs', async () => {
    const before = invocations();
    const host = `127.0.0.1:${port}`;
    for (const origin of ['https://attacker.example', 'null', `http://localhost:${port + 1}`]) {
      const injected = await raw('POST', '/_emulator/faults', { host, origin, 'content-type': 'text/plain' }, fault);
      expect(injected.status).toBe(403);
      expect(JSON.parse(injected.body).message).toMatch(/cross-origin request/);
      expect((await raw('POST', invokePath, { host, origin, 'content-type': 'text/plain' }, '{}')).status).toBe(403);
    }
    const site = await raw('POST', invokePath, { host, 'sec-fetch-site': 'cross-site' }, '{}');
    expect(site.status).toBe(403);
    expect(emulator.inspect().faults).toEqual([]);
    expect(invocations()).toBe(before);
  });

  it('still serves local scripts, its own origin and the real SDK clients (127.0.0.1 or localhost)', async () => {
    const host = `localhost:${port}`;
    const same = await raw('POST', '/_emulator/faults', { host, origin: `http://${host}` }, fault);
    expect(same.status).toBe(201);
    emulator.clearFaults();
    expect((await raw('GET', '/_emulator/state', { host: `127.0.0.1:${port}` })).status).toBe(200);

    const before = invocations();
    expect((await echo(clients(emulator).lambda, 'echo', { n: 1 })).event).toEqual({ n: 1 });
    const viaLocalhost = new LambdaClient({ ...emulator.clientConfig(), endpoint: `http://localhost:${port}` });
    const output = await viaLocalhost.send(new InvokeCommand({ FunctionName: 'echo', Payload: '{"n":2}' }));
    expect(output.StatusCode).toBe(200);
    viaLocalhost.destroy();
    expect(invocations()).toBe(before + 2);
  });
});
