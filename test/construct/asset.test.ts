import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDirsFor, findControllerBundle, pruneStaged, stageControllerAsset } from '../../construct/asset';
import { ControllerAssetError } from '../../construct/errors';

describe('the pre-bundled controller asset', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'thermostat-asset-test-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('is found next to the sources and next to the compiled package', () => {
    expect(bundleDirsFor('/repo/construct')[0]).toBe('/repo/dist/assets/controller');
    expect(bundleDirsFor('/pkg/dist/construct')[1]).toBe('/pkg/dist/assets/controller');
  });

  test('takes the first candidate that holds index.js', () => {
    const empty = join(root, 'empty');
    const built = join(root, 'built');
    mkdirSync(empty);
    mkdirSync(built);
    writeFileSync(join(built, 'index.js'), 'exports.handler = async () => ({});');
    expect(findControllerBundle([empty, built])).toBe(built);
  });

  test('fails with a clear error when the package was not built', () => {
    const missing = [join(root, 'a'), join(root, 'b')];
    expect(() => findControllerBundle(missing)).toThrow(ControllerAssetError);
    expect(() => findControllerBundle(missing)).toThrow(
      `the pre-bundled thermostat controller was not found (looked for index.js in ${missing.join(', ')}); run "npm run build"`,
    );
  });

  test('is staged with the policy set, once per content', () => {
    const bundle = join(root, 'bundle');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'index.js'), 'exports.handler = 1;');
    writeFileSync(join(bundle, 'index.js.map'), '{}');
    writeFileSync(join(bundle, 'meta.json'), '{}');
    const staging = join(root, 'staging');

    const first = stageControllerAsset(bundle, '{"version":1,"targets":[]}\n', staging);
    expect(readdirSync(first).sort()).toEqual(['.complete', 'index.js', 'index.js.map', 'policies.json']);
    expect(readFileSync(join(first, 'policies.json'), 'utf8')).toBe('{"version":1,"targets":[]}\n');
    // same content: the same directory, reused; different policies: another one
    expect(stageControllerAsset(bundle, '{"version":1,"targets":[]}\n', staging)).toBe(first);
    const second = stageControllerAsset(bundle, '{"version":1,"targets":[{}]}\n', staging);
    expect(second).not.toBe(first);
    // a changed bundle is a new asset too
    writeFileSync(join(bundle, 'index.js'), 'exports.handler = 2;');
    expect(stageControllerAsset(bundle, '{"version":1,"targets":[]}\n', staging)).not.toBe(first);
    // no scratch directories are left behind
    expect(readdirSync(staging).filter((name) => name.startsWith('thermostat-staging-'))).toEqual([]);
    expect(existsSync(join(first, 'meta.json'))).toBe(false);
  });

  test('is staged with the modules the bundle loads on demand (the tracer), which change the asset too', () => {
    const bundle = join(root, 'lazy-bundle');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'index.js'), 'exports.handler = 1;');
    writeFileSync(join(bundle, 'tracing.js'), 'exports.traceClients = 1;');
    const staging = join(root, 'lazy-staging');
    const staged = stageControllerAsset(bundle, '{"version":1,"targets":[]}\n', staging);
    expect(readdirSync(staged).sort()).toEqual(['.complete', 'index.js', 'policies.json', 'tracing.js']);
    writeFileSync(join(bundle, 'tracing.js'), 'exports.traceClients = 2;');
    expect(stageControllerAsset(bundle, '{"version":1,"targets":[]}\n', staging)).not.toBe(staged);
  });

  test('prunes staged copies older than an hour, and nothing else', () => {
    const staging = join(root, 'staging');
    const old = join(staging, 'thermostat-controller-old');
    const fresh = join(staging, 'thermostat-controller-fresh');
    const other = join(staging, 'someone-else');
    for (const dir of [old, fresh, other]) mkdirSync(dir, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    utimesSync(other, twoHoursAgo, twoHoursAgo);

    pruneStaged(staging);

    expect(readdirSync(staging).sort()).toEqual(['someone-else', 'thermostat-controller-fresh']);
  });
});
