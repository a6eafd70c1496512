import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a fixture into one CommonJS file. @middy/core and @middy/warmup ship ESM only, which jest's CommonJS
 * runtime cannot load; bundled, their real code runs unchanged.
 */
export async function bundleFixture(entry: string): Promise<{ file: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-target-'));
  const file = join(dir, 'bundle.js');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: file,
    logLevel: 'silent',
  });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
