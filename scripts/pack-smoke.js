#!/usr/bin/env node
// The package as a user meets it: `npm pack` a copy of the repository (prepack builds it), install the tarball in an
// empty folder, and run the installed `thermostat`: --help, validate on the README's policy, a short demo, the
// emulator refusing a TypeScript handler without tsx; then synthesise the README's construct quick start. Also
// checks what the tarball holds and that the install brings no AWS SDK. CI runs it after the tests (.ci/run); any
// failed check exits 1.
//
// The copy keeps the build away from the repository's own dist/, which tests running meanwhile may be reading.
const { spawnSync } = require('node:child_process');
const {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const say = (line) => process.stdout.write(`pack-smoke: ${line}\n`);

class SmokeFailure extends Error {
  name = 'SmokeFailure';
}

function check(condition, what) {
  if (!condition) throw new SmokeFailure(what);
  say(`ok   ${what}`);
}

/** Runs a command to its end; its output is returned, and shown when it fails. */
function run(command, args, { cwd, timeoutMs = 240_000, env = process.env } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { status: result.status ?? (result.error ? -1 : 1), stdout: result.stdout ?? '', output, error: result.error };
}

function mustRun(what, command, args, options) {
  const started = Date.now();
  const result = run(command, args, options);
  if (result.status !== 0) {
    process.stdout.write(result.output);
    throw new SmokeFailure(`${what} exited ${result.status}${result.error ? ` (${result.error.message})` : ''}`);
  }
  say(`ok   ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** Tracked and untracked-but-not-ignored files: what a fresh clone has, without node_modules or dist. */
function copySources(to) {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  if (listed.status !== 0) throw new SmokeFailure(`git ls-files failed: ${listed.output}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = join(root, file);
    if (!existsSync(from) || file === 'node_modules' || !statSync(from).isFile()) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(from, join(to, file));
  }
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'), 'dir');
}

function folderBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** The README's construct quick start, synthesised; prints the template's function count and each asset's files. */
const SYNTH_APP = `
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { App, Stack } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { Thermostat, TargetPolicy } = require('lambda-thermostat');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Smoke', { env: { account: '123456789012', region: 'eu-west-1' } });
const api = new lambda.Function(stack, 'Api', {
  functionName: 'checkout-api',
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => 1;'),
});
new Thermostat(stack, 'Thermostat', {
  targets: [{ function: api.addAlias('live'), policy: TargetPolicy.fromFile('policies/checkout-api.yaml') }],
});
const assembly = app.synth();
const resources = Object.values(assembly.getStackByName('Smoke').template.Resources);
const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
console.log(JSON.stringify({
  functions: resources.filter((resource) => resource.Type === 'AWS::Lambda::Function').length,
  assets: assets.map((asset) => readdirSync(join(assembly.directory, asset)).sort()),
}));
`;

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

function main() {
  const work = mkdtempSync(join(tmpdir(), 'thermostat-pack-'));
  try {
    const source = join(work, 'source');
    copySources(source);
    const npmEnv = {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const packed = mustRun('npm pack (prepack builds)', 'npm', ['pack', '--json', '--pack-destination', work], {
      cwd: source,
      env: npmEnv,
    });
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
    const files = info.files.map((file) => file.path);
    say(
      `     tarball ${info.filename}: ${info.entryCount} files, ${mb(info.size)} packed, ${mb(info.unpackedSize)} unpacked`,
    );
    check(files.includes('LICENSE'), 'the tarball has a LICENSE');
    check(readFileSync(join(root, 'LICENSE'), 'utf8').includes('Apache License'), 'the LICENSE is the Apache License');
    check(!files.some((file) => file.startsWith('dist/benchmarks/')), 'the tarball has no benchmarks');
    check(!files.some((file) => /(^|\/)test\//.test(file)), 'the tarball has no tests');
    check(
      !files.includes('dist/controller/handler.js'),
      'the controller ships as its bundle; of its modules only the policy module, which the construct loads',
    );
    check(
      !files.some((file) => file.endsWith('.map') || file.endsWith('meta.json')),
      'no source maps, no esbuild meta.json',
    );
    for (const needed of [
      'bin/thermostat.js',
      'dist/cli/thermostat.js',
      'dist/assets/controller/index.js',
      'dist/assets/controller/tracing.js',
      'dist/construct/index.js',
      'dist/construct/index.d.ts',
      'dist/controller/policy/index.js',
      'dist/examples/functions/checkout-api.js',
      'dist/examples/policies/_defaults.yaml',
      'schema/policy.schema.json',
    ]) {
      check(files.includes(needed), `the tarball has ${needed}`);
    }

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'smoke-app', version: '1.0.0', private: true })}\n`,
    );
    // The dependencies are in npm's cache after `npm ci`; the registry is only asked for what is not.
    mustRun(
      'npm install <tarball> in an empty folder',
      'npm',
      ['install', '--prefer-offline', join(work, info.filename)],
      {
        cwd: app,
        env: npmEnv,
      },
    );
    const modules = join(app, 'node_modules');
    say(`     installed node_modules: ${mb(folderBytes(modules))} (${readdirSync(modules).join(', ')})`);
    check(
      !existsSync(join(modules, '@aws-sdk')) && !existsSync(join(modules, '@aws-lambda-powertools')),
      'the install brings no AWS SDK or Powertools',
    );

    const bin = join(modules, '.bin', 'thermostat');
    const help = mustRun('thermostat --help', bin, ['--help'], { cwd: app });
    check(help.stdout.startsWith('Usage: thermostat <command>'), 'thermostat --help prints the usage');

    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const policy = readme.split('# policies/checkout-api.yaml\n')[1]?.split('```')[0];
    check(policy?.includes('function: checkout-api'), "the README's quick-start policy is found");
    mkdirSync(join(app, 'policies'));
    writeFileSync(join(app, 'policies', 'checkout-api.yaml'), policy);
    const validated = mustRun(
      'thermostat validate policies/checkout-api.yaml',
      bin,
      ['validate', 'policies/checkout-api.yaml'],
      { cwd: app },
    );
    check(validated.stdout.includes('ok policies/checkout-api.yaml'), 'validate accepts the README policy');

    const demo = mustRun(
      'thermostat demo --minutes 0.2',
      bin,
      ['demo', '--minutes', '0.2', '--json', '--report', 'demo.html'],
      {
        cwd: app,
        timeoutMs: 180_000,
      },
    );
    const summary = JSON.parse(demo.stdout);
    const names = [...new Set(summary.functions.map((row) => row.fn))].sort();
    check(
      summary.ticks > 0 && names.join(',') === 'checkout-api,nightly-batch,payments-webhook',
      `the demo ran the 3 example functions (${names.join(', ')}) with ${summary.ticks} controller ticks`,
    );
    check(existsSync(join(app, 'demo.html')), 'the demo wrote its HTML report');

    // A CDK app has aws-cdk-lib and constructs already (optional peers, not installed with the package): link the
    // repository's rather than unpacking 150 MB from the cache.
    for (const peer of ['aws-cdk-lib', 'constructs'])
      symlinkSync(join(root, 'node_modules', peer), join(modules, peer), 'dir');
    writeFileSync(join(app, 'synth.js'), SYNTH_APP);
    const synth = mustRun('a CDK app synthesises a Thermostat from the installed package', 'node', ['synth.js'], {
      cwd: app,
    });
    const { functions, assets } = JSON.parse(synth.stdout);
    check(functions >= 2, `the template has the target and the controller (${functions} Lambda functions)`);
    check(
      // The bundle and its tracer, the policies and the target map (config.json), and the staging marker written last.
      assets.some((files) => files.join(',') === '.complete,config.json,index.js,policies.json,tracing.js'),
      `the controller asset is the bundle, its policies and target map, nothing else (${JSON.stringify(assets)})`,
    );

    mkdirSync(join(app, 'handlers'));
    writeFileSync(join(app, 'handlers', 'hello.ts'), 'export const handler = async () => ({ ok: true });\n');
    writeFileSync(
      join(app, 'emulator.json'),
      JSON.stringify({ functions: [{ name: 'hello', handler: './handlers/hello.ts' }] }),
    );
    const emulator = run(bin, ['emulator', '--manifest', 'emulator.json'], { cwd: app, timeoutMs: 60_000 });
    check(
      emulator.status === 1 &&
        emulator.output.includes('npm install --save-dev tsx') &&
        !emulator.output.includes('    at '),
      'the emulator refuses a TypeScript handler without tsx in one line naming tsx',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  const started = Date.now();
  main();
  say(`passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  say(`FAILED: ${error instanceof SmokeFailure ? error.message : (error?.stack ?? error)}`);
  process.exitCode = 1;
}
