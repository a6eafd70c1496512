import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { validate } from '../../cli/commands/validate';
import { main } from '../../cli/main';
import { policyJsonSchema } from '../../controller/policy';
import { memoryIo } from '../helpers/io';

const root = join(__dirname, '..', '..');
const policies = join(root, 'test', 'fixtures', 'policies');
const fixture = (...parts: string[]) => relative(root, join(policies, ...parts));
// Paths relative to the repository, as a user would type them, so the output is stable across machines.
const io = () => memoryIo({ cwd: root });
const run = async (...argv: string[]) => {
  const t = io();
  const code = await main(['validate', ...argv], t.io, [validate]);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
};

describe('thermostat validate (in-process)', () => {
  it('prints ok for each valid file and exits 0', async () => {
    const result = await run('examples/policies');
    expect(result).toEqual({
      code: 0,
      stdout: [
        'ok examples/policies/_defaults.yaml',
        'ok examples/policies/checkout-api.yaml',
        'ok examples/policies/nightly-batch.yaml',
        'ok examples/policies/recommendations.yaml',
        'ok examples/policies/webhook.yaml',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('prints one line per problem with file, path, message and position, and exits 1', async () => {
    const result = await run(fixture('invalid', 'timezone-typo.yaml'), fixture('invalid', 'unknown-key-typo.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'test/fixtures/policies/invalid/timezone-typo.yaml: windows[1].timezone: unknown time zone "Europe/Pariss"; did you mean "Europe/Paris"? (line 11, column 15)',
        'test/fixtures/policies/invalid/unknown-key-typo.yaml: warm.concurency: unknown key "concurency"; did you mean "concurrency"? (line 3, column 3)',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('2 problems in 2 of 2 files\n');
  });

  it('reports every file of a set with broken siblings, valid ones included', async () => {
    const result = await run(fixture('sets', 'broken-sibling'));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'test/fixtures/policies/sets/broken-sibling/broken.yaml: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (line 4, column 1)',
      'ok test/fixtures/policies/sets/broken-sibling/good.yaml',
      'test/fixtures/policies/sets/broken-sibling/invalid.yaml: mode: expected one of warm, provisioned, auto, off, got "sometimes" (line 2, column 7)',
      '',
    ]);
  });

  it('reports a missing path first and still checks the others', async () => {
    const result = await run('no/such/dir', fixture('valid', 'minimal.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'no/such/dir: cannot read: no such file or directory\nok test/fixtures/policies/valid/minimal.yaml\n',
    );
    expect(result.stderr).toBe('1 problem in 1 of 2 files\n');
  });

  it('prints the result as JSON with --json', async () => {
    const result = await run('--json', fixture('sets', 'duplicates'));
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.files).toEqual([
      { file: 'test/fixtures/policies/sets/duplicates/a.yaml', ok: false, policies: [] },
      { file: 'test/fixtures/policies/sets/duplicates/b.yaml', ok: false, policies: [] },
      { file: 'test/fixtures/policies/sets/duplicates/c.yaml', ok: true, policies: ['checkout-api:$LATEST'] },
    ]);
    expect(report.issues[0]).toEqual({
      file: 'test/fixtures/policies/sets/duplicates/a.yaml',
      path: 'function',
      message:
        'checkout-api (qualifier live) also has a policy in test/fixtures/policies/sets/duplicates/b.yaml; keep one policy per function and qualifier',
      line: 1,
      column: 11,
    });
  });

  it('prints the JSON Schema with --print-schema', async () => {
    const result = await run('--print-schema');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(policyJsonSchema());
  });

  it.each([
    [[], 'thermostat validate: expected at least one policy file or directory; run "thermostat validate --help"\n'],
    [
      ['--print-schema', 'a.yaml'],
      'thermostat validate: --print-schema takes no files; run "thermostat validate --help"\n',
    ],
  ])('exits 2 on a usage error (%p)', async (argv, stderr) => {
    const result = await run(...argv);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });

  it('colours ok on a terminal unless NO_COLOR is set', async () => {
    const tty = memoryIo({ tty: true, cwd: root });
    await main(['validate', fixture('valid', 'minimal.yaml')], tty.io, [validate]);
    expect(tty.stdout()).toBe('\u001b[32mok\u001b[0m test/fixtures/policies/valid/minimal.yaml\n');
    const plain = memoryIo({ tty: true, env: { NO_COLOR: '1' }, cwd: root });
    await main(['validate', fixture('valid', 'minimal.yaml')], plain.io, [validate]);
    expect(plain.stdout()).toBe('ok test/fixtures/policies/valid/minimal.yaml\n');
  });
});

describe('thermostat validate (child process through bin/thermostat.js)', () => {
  const exec = promisify(execFile);
  let dir: string;

  // A package layout without dist/, so the bin runs the TypeScript sources through tsx whatever has been
  // built in the checkout: the test exercises the real bin and the current sources.
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-validate-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(root, 'bin', 'thermostat.js'), join(dir, 'bin', 'thermostat.js'));
    for (const entry of readdirSync(root))
      if (!['bin', 'dist', '.git'].includes(entry)) symlinkSync(join(root, entry), join(dir, entry));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const thermostat = (...argv: string[]) =>
    exec(process.execPath, [join(dir, 'bin', 'thermostat.js'), 'validate', ...argv], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });

  it('exits 0 for the examples', async () => {
    const { stdout } = await thermostat('examples/policies');
    expect(stdout).toContain('ok examples/policies/checkout-api.yaml\n');
  });

  it('exits 1 with one line per problem and no stack trace for a broken file', async () => {
    const failure = await thermostat(fixture('invalid', 'yaml-syntax.yaml')).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 1,
      stdout:
        'test/fixtures/policies/invalid/yaml-syntax.yaml: YAML syntax error: Nested mappings are not allowed in compact mappings (line 3, column 16)\n',
      stderr: '1 problem in 1 of 1 file\n',
    });
  });

  it('exits 2 without arguments', async () => {
    await expect(thermostat()).rejects.toMatchObject({ code: 2 });
  });
});
