/**
 * The controller ships pre-bundled (scripts/bundle.js, at package build time), so a user's synth needs neither
 * esbuild nor Docker. The validated policy set is written next to the bundle into one asset directory: a policy
 * change changes the asset hash, so it deploys (and rolls back) together with the code that reads it.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerAssetError } from './errors';

const STAGED_PREFIX = 'thermostat-controller-';
/** CDK copies an asset into the cloud assembly while the construct is built, so an hour-old copy is unused. */
const STAGED_MAX_AGE_MS = 3_600_000;

/** File name of the policy set inside the asset (and so under /var/task). */
export const POLICY_FILE_NAME = 'policies.json';
/** File name of the controller's configuration (target map, detailed metrics, discovery) inside the asset. */
export const CONFIG_FILE_NAME = 'config.json';
/** Written last: its presence marks a complete staged directory. */
const COMPLETE_MARKER = '.complete';
const BUNDLE = 'index.js';
/** The tracer, which the bundle requires only when tracing is on (scripts/bundle.js keeps it out of index.js). */
const LAZY_MODULES = ['tracing.js'];
const SOURCE_MAP = 'index.js.map';

/**
 * Where the bundle lives: next to the sources (`construct/*.ts` → `dist/assets/controller`) when running from the
 * repository, and next to the compiled package (`dist/construct/*.js` → `dist/assets/controller`) once published.
 */
export function bundleDirsFor(moduleDir: string): string[] {
  return [join(moduleDir, '..', 'dist', 'assets', 'controller'), join(moduleDir, '..', 'assets', 'controller')];
}

export const CONTROLLER_BUNDLE_DIRS: readonly string[] = bundleDirsFor(__dirname);

/** The first directory that holds the bundle; a clear error when none does. */
export function findControllerBundle(candidates: readonly string[] = CONTROLLER_BUNDLE_DIRS): string {
  const found = candidates.find((dir) => existsSync(join(dir, BUNDLE)));
  if (found !== undefined) return found;
  throw new ControllerAssetError(
    `the pre-bundled thermostat controller was not found (looked for ${BUNDLE} in ${candidates.join(', ')}); ` +
      'run "npm run build" (or "node scripts/bundle.js") to create it',
  );
}

/**
 * A directory holding the bundle, its source map and the generated files (`policies.json`, `config.json`; a plain
 * string is the policy set alone). Its name is derived from the content, so repeated synths reuse it and concurrent
 * ones (jest workers) cannot see a half-written copy: each writes a private directory and renames it into place.
 */
export function stageControllerAsset(
  bundleDir: string,
  generated: string | Readonly<Record<string, string>>,
  stagingRoot: string = tmpdir(),
): string {
  const files = typeof generated === 'string' ? { [POLICY_FILE_NAME]: generated } : generated;
  const names = Object.keys(files).sort();
  const bundle = readFileSync(join(bundleDir, BUNDLE));
  const sourceMap = existsSync(join(bundleDir, SOURCE_MAP)) ? join(bundleDir, SOURCE_MAP) : undefined;
  const lazy = LAZY_MODULES.filter((name) => existsSync(join(bundleDir, name)));
  const digest = createHash('sha256')
    .update(bundle)
    .update('\0')
    .update(sourceMap === undefined ? '' : readFileSync(sourceMap));
  for (const name of lazy)
    digest
      .update('\0')
      .update(name)
      .update('\0')
      .update(readFileSync(join(bundleDir, name)));
  for (const name of names) digest.update('\0').update(name).update('\0').update(files[name]!);
  const hash = digest.digest('hex').slice(0, 32);
  const target = join(stagingRoot, `${STAGED_PREFIX}${hash}`);
  if (existsSync(join(target, COMPLETE_MARKER))) return target;
  pruneStaged(stagingRoot);

  mkdirSync(stagingRoot, { recursive: true });
  const scratch = mkdtempSync(join(stagingRoot, 'thermostat-staging-'));
  try {
    copyFileSync(join(bundleDir, BUNDLE), join(scratch, BUNDLE));
    for (const name of lazy) copyFileSync(join(bundleDir, name), join(scratch, name));
    if (sourceMap !== undefined) copyFileSync(sourceMap, join(scratch, SOURCE_MAP));
    for (const name of names) writeFileSync(join(scratch, name), files[name]!);
    // written last: its presence marks a complete directory (see the check above)
    writeFileSync(join(scratch, COMPLETE_MARKER), '');
    try {
      renameSync(scratch, target);
    } catch (error) {
      // another process won the race with identical content; theirs is as good as ours
      if (!existsSync(join(target, COMPLETE_MARKER))) throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

/**
 * Removes staged copies older than an hour, so each policy or bundle change does not leave another few megabytes
 * behind in the temporary directory. Best effort: a copy another process removes first is simply gone.
 */
export function pruneStaged(stagingRoot: string, now: number = Date.now(), maxAgeMs: number = STAGED_MAX_AGE_MS): void {
  let names: string[];
  try {
    names = readdirSync(stagingRoot);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(STAGED_PREFIX)) continue;
    const path = join(stagingRoot, name);
    try {
      if (now - statSync(path).mtimeMs > maxAgeMs) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile by a concurrent synth
    }
  }
}
