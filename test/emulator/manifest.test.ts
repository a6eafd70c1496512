import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorConfigError, loadManifest, startEmulator } from '../../emulator';
import { clients, echo, FIXTURES } from './helpers';

describe('emulator manifests', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-manifest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads YAML with handler paths relative to the manifest and starts from it', async () => {
    const file = join(dir, 'emulator.yaml');
    writeFileSync(
      file,
      [
        'environment: light',
        'idleTimeoutMs: 5000',
        'prewarmProcesses: 0',
        'functions:',
        `  - name: orders`,
        `    handler: ${join(FIXTURES, 'echo.js')}`,
        '    memoryMb: 512',
        '    versions: { "1": {} }',
        '    aliases: { live: "1" }',
      ].join('\n'),
    );
    const options = loadManifest(file);
    expect(options).toMatchObject({ environment: 'light', idleTimeoutMs: 5000, baseDir: dir });
    const emulator = await startEmulator(options);
    try {
      const result = await echo(clients(emulator).lambda, 'orders', {}, 'live');
      expect(result.env).toMatchObject({ version: '1', memory: '512' });
    } finally {
      await emulator.stop();
    }
  });

  it('reads JSON', () => {
    const file = join(dir, 'emulator.json');
    writeFileSync(file, JSON.stringify({ region: 'eu-west-1', functions: [] }));
    expect(loadManifest(file)).toMatchObject({ region: 'eu-west-1', functions: [] });
  });

  it('names the file and the field when something is wrong', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ functions: [{ name: 'has space', handler: 'x.js', memoryMb: 64 }], colour: 'red' }),
    );
    expect(() => loadManifest(file)).toThrow(EmulatorConfigError);
    let message = '';
    try {
      loadManifest(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toContain('functions.0.name: a function name is 1-64 letters, digits, - or _');
    expect(message).toContain('functions.0.memoryMb');
    expect(message).toContain('colour');
  });

  it('reports a missing handler file, an alias to an unknown version and unreadable files', async () => {
    await expect(startEmulator({ functions: [{ name: 'f', handler: join(dir, 'missing.js') }] })).rejects.toThrow(
      /function "f": handler file .*missing\.js does not exist/,
    );
    await expect(
      startEmulator({ functions: [{ name: 'f', handler: join(FIXTURES, 'echo.js'), aliases: { live: '3' } }] }),
    ).rejects.toThrow('alias "live" points at version 3, which is not in "versions"');
    expect(() => loadManifest(join(dir, 'nope.yaml'))).toThrow('cannot read manifest');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'functions: [');
    expect(() => loadManifest(broken)).toThrow('is not valid YAML');
  });
});
