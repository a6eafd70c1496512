import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The controller as it ships: the esbuild bundle the test global setup builds (scripts/bundle.js). Every
 * kilobyte is parsed on each cold start of the controller, so the YAML parser (about a third of the bundle) must
 * stay out: the Lambda reads the construct's JSON with the YAML-free policy core.
 */
const ASSET = join(__dirname, '..', '..', 'dist', 'assets', 'controller');
const BUNDLE = join(ASSET, 'index.js');
/** Source map and esbuild metafile: kept for local debugging, outside what Lambda downloads. */
const DEBUG = join(__dirname, '..', '..', 'dist', 'debug', 'controller');
// Raised from 300 KiB when the traffic-aware planner, tag discovery and write-ahead ownership landed (304 KiB);
// lowered when the tracer moved to its own file (187 KiB); 228 KiB since probes extend the traffic horizon and the
// pause knows its deployment's bound (224.2 KiB); 232 KiB since the ledger is held between ticks and the run summary
// leaves out its zero counts (228.3 KiB).
const CEILING_BYTES = 232 * 1024;

interface Metafile {
  readonly outputs: Record<
    string,
    { readonly bytes: number; readonly inputs: Record<string, { bytesInOutput: number }> }
  >;
}

function bundledInputs(file = 'index.js'): string[] {
  const meta = JSON.parse(readFileSync(join(DEBUG, 'meta.json'), 'utf8')) as Metafile;
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith(`/${file}`));
  if (output === undefined) throw new Error(`meta.json names no ${file} output`);
  return Object.entries(output[1].inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
}

describe('the controller bundle', () => {
  it('leaves out the YAML parser and the policy module’s YAML and file-system loaders', () => {
    const inputs = bundledInputs();
    expect(inputs.filter((file) => /(^|\/)node_modules\/yaml\//.test(file))).toEqual([]);
    expect(inputs.filter((file) => /controller\/policy\/(index|load|source|json-schema)\.ts$/.test(file))).toEqual([]);
    // the policy core it does need is there
    expect(inputs).toEqual(expect.arrayContaining(['controller/policy/parse.ts', 'controller/policy/resolve.ts']));
  });

  it(`stays below ${CEILING_BYTES / 1024} KiB`, () => {
    expect(statSync(BUNDLE).size).toBeLessThan(CEILING_BYTES);
  });

  it('ships only the code: the source map and the metafile stay outside the asset, with no link to them', () => {
    expect(readdirSync(ASSET).sort()).toEqual(['index.js', 'tracing.js']);
    expect(readFileSync(BUNDLE, 'utf8')).not.toContain('sourceMappingURL');
    expect(readFileSync(join(ASSET, 'tracing.js'), 'utf8')).not.toContain('sourceMappingURL');
    expect(readdirSync(DEBUG).sort()).toEqual(['index.js.map', 'meta.json', 'tracing.js.map']);
    const map = JSON.parse(readFileSync(join(DEBUG, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(expect.arrayContaining([expect.stringMatching(/controller\/run\.ts$/)]));
  });

  /** Whether building the runtime from the bundle evaluated the X-Ray SDK (cls-hooked registers its namespace). */
  function xrayLoaded(env: Record<string, string>): boolean {
    const script = `
      require('node:fs').writeFileSync(${JSON.stringify(join(tmpdir(), `thermostat-tracing-${process.pid}.json`))}, '{"policies":[]}');
      const { createRuntime } = require(${JSON.stringify(BUNDLE)});
      const runtime = createRuntime(${JSON.stringify({
        THERMOSTAT_TABLE: 'state',
        THERMOSTAT_POLICY_FILE: join(tmpdir(), `thermostat-tracing-${process.pid}.json`),
        AWS_REGION: 'us-east-1',
        ...env,
      })});
      for (const client of Object.values(runtime.clients)) client.destroy();
      process.stdout.write(JSON.stringify(Object.keys(process.namespaces ?? {})));`;
    const { AWS_LAMBDA_FUNCTION_NAME: _name, THERMOSTAT_TABLE: _table, ...parent } = process.env;
    const namespaces = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: parent, encoding: 'utf8' }));
    return (namespaces as string[]).includes('AWSXRay');
  }

  it('loads only the Lambda and DynamoDB SDK clients at init; the others on first use', () => {
    const script = `
      require('node:fs').writeFileSync(${JSON.stringify(join(tmpdir(), `thermostat-lazy-${process.pid}.json`))}, '{"policies":[]}');
      const { createRuntime } = require(${JSON.stringify(BUNDLE)});
      const loaded = () => [...new Set(Object.keys(require.cache).flatMap((file) => file.match(/@aws-sdk\\/client-[a-z-]+/g) ?? []))].sort();
      const runtime = createRuntime(${JSON.stringify({
        THERMOSTAT_TABLE: 'state',
        THERMOSTAT_POLICY_FILE: join(tmpdir(), `thermostat-lazy-${process.pid}.json`),
        THERMOSTAT_EVENT_BUS: 'bus',
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: 'controller',
        POWERTOOLS_TRACE_ENABLED: 'false',
      })});
      const atInit = loaded();
      for (const client of Object.values(runtime.clients)) client.destroy();
      process.stdout.write(JSON.stringify({ atInit, after: loaded() }));`;
    const { AWS_LAMBDA_FUNCTION_NAME: _name, THERMOSTAT_TABLE: _table, ...parent } = process.env;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: parent, encoding: 'utf8' }));
    expect(result.atInit).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-lambda']);
    // built when asked for (here: to be destroyed)
    expect(result.after).toEqual([
      '@aws-sdk/client-application-auto-scaling',
      '@aws-sdk/client-cloudwatch',
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-eventbridge',
      '@aws-sdk/client-lambda',
      '@aws-sdk/client-scheduler',
    ]);
  });

  it('keeps the tracer and the X-Ray SDK out of index.js: a cold start without tracing never reads them', () => {
    const tracer = (file: string) => /@aws-lambda-powertools\/tracer|aws-xray-sdk-core|cls-hooked/.test(file);
    expect(bundledInputs('index.js').filter(tracer)).toEqual([]);
    expect(bundledInputs('tracing.js').filter(tracer).length).toBeGreaterThan(0);
    expect(readFileSync(BUNDLE, 'utf8')).toContain('require("./tracing.js")');
  });

  it('loads the tracer and the X-Ray SDK only when tracing is on', () => {
    expect(xrayLoaded({ AWS_LAMBDA_FUNCTION_NAME: 'controller', POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
    expect(xrayLoaded({})).toBe(false);
    expect(xrayLoaded({ AWS_LAMBDA_FUNCTION_NAME: 'controller' })).toBe(true);
  });
});

describe('policies in the bundled controller', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-bundle-'));
    writeFileSync(
      join(dir, 'policies.json'),
      JSON.stringify({ version: 1, policies: [{ function: 'api', qualifier: 'live' }], sources: ['api.yaml'] }),
    );
    writeFileSync(join(dir, 'one.json'), JSON.stringify({ function: 'solo', warm: { concurrency: 2 } }));
    writeFileSync(join(dir, 'api.yaml'), 'function: api\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** createRuntime from the bundle in a plain Node process (no TypeScript, no sources next to it). */
  function runtimeFromBundle(env: Record<string, string>): {
    keys?: string[];
    error?: { name: string; message: string };
  } {
    const script = `
      const { createRuntime } = require(${JSON.stringify(BUNDLE)});
      try {
        const runtime = createRuntime(${JSON.stringify({ THERMOSTAT_TABLE: 'state', AWS_REGION: 'us-east-1', ...env })});
        for (const client of Object.values(runtime.clients)) client.destroy();
        process.stdout.write(JSON.stringify({ keys: runtime.policies.policies.map((p) => p.key) }));
      } catch (error) {
        process.stdout.write(JSON.stringify({ error: { name: error.name, message: error.message } }));
      }`;
    const { AWS_LAMBDA_FUNCTION_NAME: _name, THERMOSTAT_TABLE: _table, ...parent } = process.env;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: parent, encoding: 'utf8' }));
  }

  it('reads the construct’s JSON policy set and single JSON policies', () => {
    expect(runtimeFromBundle({ THERMOSTAT_POLICY_FILE: join(dir, 'policies.json') })).toEqual({ keys: ['api:live'] });
    expect(runtimeFromBundle({ THERMOSTAT_POLICY_FILE: join(dir, 'one.json') })).toEqual({ keys: ['solo:$LATEST'] });
  });

  it('says clearly that YAML policies need the sources, instead of failing on a missing module', () => {
    expect(runtimeFromBundle({ THERMOSTAT_POLICY_DIR: dir })).toEqual({
      error: {
        name: 'ControllerConfigError',
        message: expect.stringMatching(
          /^THERMOSTAT_POLICY_DIR needs the YAML policy loader, which the controller bundle leaves out/,
        ),
      },
    });
    expect(runtimeFromBundle({ THERMOSTAT_POLICY_FILE: join(dir, 'api.yaml') }).error).toEqual({
      name: 'ControllerConfigError',
      message: expect.stringContaining(
        `the policy file ${join(dir, 'api.yaml')} is not JSON, so it needs the YAML policy loader`,
      ),
    });
  });
});
