/**
 * What a user sees from `cdk synth`, run as a child process the way they run it: problems without a stack dump, and
 * the same template whichever folder the app is synthesised from.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES } from './stacks';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'node_modules', '.bin');

/** An app folder: its own package.json, the fixture policies, and an app that uses them by absolute path. */
function appFolder(root: string, name: string, app: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "name": "app", "private": true }\n');
  // the app resolves aws-cdk-lib as an installed app would, from its own node_modules
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  cpSync(join(FIXTURES, 'policies'), join(dir, 'policies'), { recursive: true });
  cpSync(join(FIXTURES, 'broken'), join(dir, 'broken'), { recursive: true });
  writeFileSync(join(dir, 'app.ts'), app.replaceAll('CONSTRUCT', JSON.stringify(join(REPO, 'construct'))));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: `${join(BIN, 'tsx')} app.ts` }));
  return dir;
}

async function synth(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(BIN, 'cdk'), ['synth', '--no-notices', '-q'], {
      cwd: dir,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
      timeout: 240_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const APP = `
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TargetPolicy, Thermostat } from CONSTRUCT;
const app = new App();
const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
const fn = (id: string, name: string) =>
  new lambda.Function(stack, id, {
    functionName: name,
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    timeout: Duration.seconds(10),
  });
new Thermostat(stack, 'Thermostat', {
  targets: [
    { function: fn('Checkout', 'checkout-api').addAlias('live'), policy: TargetPolicy.fromDirectory(path.join(__dirname, POLICIES)) },
    { function: fn('Inbox', 'inbox'), policy: TargetPolicy.fromObject({ warm: { holdMs: 1 } }) },
  ],
  memorySize: MEMORY,
});
`;

describe('cdk synth as a user runs it', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'thermostat-synth-cli-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a bad policy and a bad prop: every problem listed with its construct path, file, line and field, no stack frames', async () => {
    const dir = appFolder(root, 'broken', APP.replace('POLICIES', "'broken'").replace('MEMORY', '64'));
    const { code, output } = await synth(dir);
    expect(code).not.toBe(0);
    expect(output).toContain(
      '[Shop/Thermostat] targets[0] (checkout-api:live): broken/checkout-api.yaml: warm.concurrency: expected a whole number from 1 to 1000, got 0 (line 5, column 16)',
    );
    expect(output).toContain(
      '[Shop/Thermostat] targets[1] (inbox): targets[1].policy: warm.holdMs: expected a whole number from 50 to 10000, got 1',
    );
    expect(output).toContain('[Shop/Thermostat] memorySize must be a whole number from 128 to 10240 MiB, got 64');
    // no stack frames ("    at f (file:line:col)"), and no frame of Thermostat's own code
    expect(output).not.toMatch(/^\s+at\s/m);
    expect(output).not.toMatch(/construct\/(thermostat|binding)\.ts:\d+/);
  }, 300_000);

  test('the same app synthesised from two different folders gives identical templates', async () => {
    const app = APP.replace('POLICIES', "'policies'").replace('MEMORY', '512').replace('holdMs: 1', 'holdMs: 100');
    const first = appFolder(root, 'one/app', app);
    const second = appFolder(root, 'elsewhere/deeper/app', app);
    const [a, b] = await Promise.all([synth(first), synth(second)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const template = (dir: string) => readFileSync(join(dir, 'cdk.out', 'Shop.template.json'), 'utf8');
    expect(template(second)).toBe(template(first));
    // nothing of either folder's path is in it
    expect(template(first)).not.toContain(root);
    expect(template(first)).not.toContain(REPO);
  }, 300_000);
});
