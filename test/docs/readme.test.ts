import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmulator } from '../../cli/commands/emulator';
import { readObserved } from '../../cli/commands/plan';
import { main } from '../../cli/main';
import { encodePing } from '../../controller/ping/payload';
import type { Emulator } from '../../emulator';
import { memoryIo } from '../helpers/io';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const doc = (name: string) => readFileSync(join(root, 'docs', name), 'utf8');

/** The first fenced block of a language after a heading (or any text that is unique in the page). */
function blockAfter(page: string, marker: string, language: string): string {
  const [, after] = page.split(marker);
  if (after === undefined) throw new Error(`no "${marker}" in the page`);
  const block = after.split(`\`\`\`${language}\n`)[1]?.split('```')[0];
  if (block === undefined) throw new Error(`no ${language} block after "${marker}"`);
  return block;
}

/** The README's quick-start policy, which the package smoke (scripts/pack-smoke.js) validates too. */
const quickStartPolicy = () => readme.split('# policies/checkout-api.yaml\n')[1]!.split('```')[0]!;

/** The commands of a shell block, without comments and a trailing `&`, split into words. */
function commands(block: string): string[][] {
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').replace(/&\s*$/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
}

describe('README and the docs, as written', () => {
  it('quick start gives exactly two commands, the demo and the tests', () => {
    const quickStart = readme.split('## Quick start')[1]!.split('```sh')[1]!.split('```')[0]!;
    const commands = quickStart
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toMatch(/thermostat(\.js)? demo/);
    expect(scripts.test).toBe('jest');
  });

  it('the quick-start policy example validates', async () => {
    const yaml = quickStartPolicy();
    expect(yaml).toContain('function: checkout-api');
    const { parsePolicySource } = await import('../../controller/policy');
    const result = parsePolicySource(yaml, 'checkout-api.yaml');
    expect(result.issues).toEqual([]);
    expect(result.policies).toHaveLength(1);
  });

  it('the `run` example of docs/cli.md works as written against examples/emulator.yaml, the target in eu-west-1 too', async () => {
    const [emulatorCommand, runCommand] = commands(
      blockAfter(doc('cli.md'), '## `thermostat run`: one real tick', 'sh'),
    );
    expect(emulatorCommand!.slice(0, 2)).toEqual(['thermostat', 'emulator']);
    expect(runCommand!.slice(0, 2)).toEqual(['thermostat', 'run']);
    const port = emulatorCommand![emulatorCommand!.indexOf('--port') + 1];
    const readmeEndpoint = `http://127.0.0.1:${port}`;
    expect(runCommand).toContain(readmeEndpoint);
    // A free port instead of the README's, so that nothing else on the machine can be in the way.
    const emulatorArgs = emulatorCommand!.slice(2).map((arg) => (arg === port ? '0' : arg));

    const stop = new AbortController();
    let emulator: Emulator | undefined;
    const exit = runEmulator([...emulatorArgs, '--quiet'], memoryIo({ cwd: root }).io, {
      signal: stop.signal,
      onStarted: (running) => {
        emulator = running;
      },
    });
    try {
      // runEmulator settles only when stopped, or at once when it cannot start.
      let settled = false;
      void exit.finally(() => {
        settled = true;
      });
      while (emulator === undefined && !settled) await new Promise((resolve) => setTimeout(resolve, 10));
      if (emulator === undefined) throw new Error(`the emulator did not start (exit ${await exit})`);
      const endpoint = emulator.endpoint;
      const run = memoryIo({ cwd: root });
      const args = runCommand!.slice(1).map((arg) => (arg === readmeEndpoint ? endpoint : arg));
      const code = await main(args, run.io);
      expect(run.stderr()).toBe('');
      expect(code).toBe(0);
      for (const target of [
        'checkout-api:live',
        'payments-webhook:live',
        'nightly-batch:prod',
        'recommendations:live',
      ]) {
        expect(run.stdout()).toMatch(new RegExp(`^${target}\\s+\\S+\\s+\\S+\\s+ok\\s`, 'm'));
      }
      expect(run.stdout()).toMatch(/^4 targets, /m);
      // A target the emulator does not serve is still "ok" while its mode is off, but says so.
      expect(run.stdout()).not.toContain('does not exist');
      expect(emulator.region).toBe('eu-west-1');
    } finally {
      stop.abort();
      await exit.catch(() => undefined);
    }
  }, 120_000);

  it('docs/cli.md documents the --observed file in the shape `thermostat plan` reads', async () => {
    const json = blockAfter(doc('cli.md'), '- `--observed` is a JSON file', 'json').replace(/^ {2}/gm, '');
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-readme-'));
    try {
      const file = join(dir, 'observed.json');
      writeFileSync(file, json);
      const read = readObserved(file);
      if (read.problems) throw new Error(read.problems.join('\n'));
      expect(Object.keys(read.observed.targets ?? {})).toEqual(['checkout-api:live', 'orders-worker:live']);
      writeFileSync(join(dir, 'checkout-api.yaml'), quickStartPolicy());
      const plan = memoryIo();
      const args = ['plan', '--policies', join(dir, 'checkout-api.yaml'), '--observed', file];
      expect(await main([...args, '--at', '2025-11-25T08:00:00Z', '--json'], plan.io)).toBe(0);
      expect(plan.stderr()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('docs/target.md shows the compatibility payloads the controller really sends, with no proof', () => {
    const ping = { runId: 'r', index: 0, of: 1, holdUntil: 0 };
    const sent = (flavour: 'serverless-plugin-warmup' | 'middy') =>
      JSON.parse(Buffer.from(encodePing({ flavour } as Parameters<typeof encodePing>[0], ping).payload).toString());
    const table = doc('target.md').split('| `warm.payload` | What the controller sends |')[1]!.split('\n\n')[0]!;
    const row = table.split('\n').find((line) => line.startsWith('| `serverless-plugin-warmup` |'))!;
    const documented = JSON.parse(/`(\{[^`]*\})`/.exec(row)![1]!);
    expect(documented).toEqual(sent('serverless-plugin-warmup'));
    expect(sent('middy')).toEqual(documented);
    expect(row.trim().endsWith('| none |')).toBe(true);
  });
});
