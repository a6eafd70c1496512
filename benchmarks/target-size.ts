/**
 * How many bytes the target helper adds to a user's bundled function: a minimal handler is bundled and minified with
 * esbuild the way a user's build (CDK NodejsFunction, SAM, serverless-esbuild) would, with and without the helper.
 * Prints JSON. Run: npx tsx benchmarks/target-size.ts
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(__dirname, '..');

const HANDLER = 'async (event) => ({ statusCode: 200, body: JSON.stringify(event) })';

/** Each variant is the source of a handler module; `baseline` is the function without Thermostat. */
const VARIANTS: Record<string, string> = {
  baseline: `export const handler = ${HANDLER};`,
  withThermostat: `import { withThermostat } from './target';\nexport const handler = withThermostat(${HANDLER});`,
  withThermostatAndOnPing: `import { withThermostat } from './target';\nexport const handler = withThermostat(${HANDLER}, { onPing: () => undefined, metrics: { dimensions: ['Qualifier'] } });`,
  isWarmPingOnly: `import { isWarmPing } from './target';\nexport const handler = async (event) => isWarmPing(event) ? 'warm' : (${HANDLER})(event);`,
  thermostatMiddlewareOnly: `import { thermostatMiddleware } from './target/middy';\nexport const middleware = thermostatMiddleware();\nexport const handler = ${HANDLER};`,
};

interface Size {
  readonly variant: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly addedBytes: number;
  readonly addedGzipBytes: number;
}

async function bundledSize(source: string): Promise<{ bytes: number; gzipBytes: number }> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: 'handler.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

async function main(): Promise<void> {
  const baseline = await bundledSize(VARIANTS.baseline);
  const sizes: Size[] = [];
  for (const [variant, source] of Object.entries(VARIANTS)) {
    const size = variant === 'baseline' ? baseline : await bundledSize(source);
    sizes.push({
      variant,
      ...size,
      addedBytes: size.bytes - baseline.bytes,
      addedGzipBytes: size.gzipBytes - baseline.gzipBytes,
    });
  }
  const report = { tool: `esbuild ${require('esbuild/package.json').version}`, minify: true, target: 'node22', sizes };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
