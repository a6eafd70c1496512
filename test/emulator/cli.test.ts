import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmulator } from '../../cli/commands/emulator';
import { InputError } from '../../cli/errors';
import { main } from '../../cli/main';
import type { Emulator } from '../../emulator';
import { memoryIo } from '../helpers/io';
import { alive, clients, echo, FIXTURES } from './helpers';

describe('thermostat emulator', () => {
  let dir: string;
  let manifest: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-cli-'));
    manifest = join(dir, 'emulator.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        environment: 'process',
        prewarmProcesses: 1,
        functions: [
          { name: 'hello', handler: join(FIXTURES, 'echo.js'), versions: { '1': {} }, aliases: { live: '1' } },
        ],
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its endpoint, serves the SDK, streams logs and kills every child when stopped', async () => {
    const { io, stdout } = memoryIo({ cwd: dir });
    const stop = new AbortController();
    let started: Emulator | undefined;
    let pids: number[] = [];
    const exit = runEmulator(['--manifest', 'emulator.json', '--environment', 'light'], io, {
      signal: stop.signal,
      onStarted: (emulator) => {
        started = emulator;
      },
    });
    while (!started) await new Promise((resolve) => setTimeout(resolve, 10));
    const result = await echo(clients(started).lambda, 'hello', { log: 'hello from the handler' }, 'live');
    expect(result.env.version).toBe('1');
    pids = started.pids();
    expect(pids.length).toBeGreaterThan(0);
    stop.abort();
    expect(await exit).toBe(0);
    const out = stdout();
    expect(out).toContain(`thermostat emulator listening on ${started.endpoint}`);
    expect(out).toContain('function hello (versions $LATEST, 1; aliases live→1)');
    expect(out).toContain(`AWS_ENDPOINT_URL=${started.endpoint}`);
    expect(out).toMatch(/\[hello:1\] .*\tINFO\thello from the handler/);
    expect(out).toContain('thermostat emulator stopped');
    expect(pids.filter(alive)).toEqual([]);
  });

  it('is listed by thermostat --help and explains itself', async () => {
    const { io, stdout } = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(stdout()).toMatch(/emulator\s+run the local AWS emulator/);
    const help = memoryIo();
    expect(await main(['emulator', '--help'], help.io)).toBe(0);
    expect(help.stdout()).toContain('--manifest <file>');
  });

  it('exits 2 without --manifest or with a bad option, and 1 for a bad manifest', async () => {
    const missing = memoryIo();
    expect(await main(['emulator'], missing.io)).toBe(2);
    expect(missing.stderr()).toContain('--manifest <file> is required');
    const badKind = memoryIo({ cwd: dir });
    expect(await main(['emulator', '-m', 'emulator.json', '--environment', 'vm'], badKind.io)).toBe(2);
    const badPort = memoryIo({ cwd: dir });
    expect(await main(['emulator', '-m', 'emulator.json', '--port', '70000'], badPort.io)).toBe(2);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ functions: [{ name: 'x' }] }));
    const bad = memoryIo({ cwd: dir });
    expect(await main(['emulator', '--manifest', 'broken.json'], bad.io)).toBe(1);
    expect(bad.stderr()).toContain(`manifest ${broken} is not valid`);
    expect(bad.stderr()).toContain('functions.0.handler');
  });

  it('refuses a TypeScript handler at start, naming tsx, when tsx is not installed', async () => {
    const ts = join(dir, 'typescript.json');
    writeFileSync(
      ts,
      JSON.stringify({
        functions: [
          { name: 'plain', handler: join(FIXTURES, 'echo.js') },
          {
            name: 'typed',
            handler: join(FIXTURES, 'echo.js'),
            versions: { '1': { handler: join(FIXTURES, 'typed.ts') } },
          },
        ],
      }),
    );
    const withoutTsx = () => {
      throw Object.assign(new Error("Cannot find module 'tsx/cjs'"), { code: 'MODULE_NOT_FOUND' });
    };
    const { io } = memoryIo({ cwd: dir });
    const run = runEmulator(['--manifest', 'typescript.json'], io, { resolveTsx: withoutTsx });
    await expect(run).rejects.toThrow(InputError);
    await expect(runEmulator(['--manifest', 'typescript.json'], io, { resolveTsx: withoutTsx })).rejects.toThrow(
      `${ts}: function "typed" has the TypeScript handler ${join(FIXTURES, 'typed.ts')}, which the emulator loads through tsx; install it (npm install --save-dev tsx)`,
    );
  });
});
