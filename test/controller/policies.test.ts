import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerConfigError } from '../../controller/errors';
import { policySourceFromEnv, readPolicyFile } from '../../controller/policies';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'thermostat-policies-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('readPolicyFile', () => {
  it('reads the construct’s { policies, defaults } JSON, applying the defaults', () => {
    const path = write('set.json', {
      defaults: { warm: { concurrency: 4 } },
      policies: [
        { function: 'a', qualifier: 'live' },
        { function: 'b', warm: { concurrency: 2 } },
      ],
    });
    const source = readPolicyFile(path);
    expect(source.issues).toEqual([]);
    expect(source.policies.map((p) => [p.key, p.policy.warm?.concurrency])).toEqual([
      ['a:live', 4],
      ['b:$LATEST', 2],
    ]);
  });

  it('reads a bare array, and keeps valid policies next to a broken one', () => {
    const path = write('array.json', [{ function: 'a' }, { function: 'b', mode: 'sometimes' }]);
    const source = readPolicyFile(path);
    expect(source.policies.map((p) => p.key)).toEqual(['a:$LATEST']);
    expect(source.issues).toEqual([expect.objectContaining({ file: path, path: '[1].mode' })]);
  });

  it('reads an ordinary single policy file too', () => {
    expect(readPolicyFile(write('one.json', { function: 'solo' })).policies.map((p) => p.key)).toEqual([
      'solo:$LATEST',
    ]);
    expect(readPolicyFile(write('one.yaml', 'function: yam\n')).policies.map((p) => p.key)).toEqual(['yam:$LATEST']);
  });

  it('names the file it cannot read', () => {
    expect(() => readPolicyFile(join(dir, 'missing.json'))).toThrow(ControllerConfigError);
    expect(() => readPolicyFile(join(dir, 'missing.json'))).toThrow(/cannot read the policy file .*missing\.json/);
  });
});

describe('policySourceFromEnv', () => {
  it('prefers THERMOSTAT_POLICY_FILE, then THERMOSTAT_POLICY_DIR, then policies.json next to the bundle', () => {
    const file = write('env.json', [{ function: 'from-file' }]);
    const policiesDir = mkdtempSync(join(dir, 'dir-'));
    writeFileSync(join(policiesDir, 'x.yaml'), 'function: from-dir\n');
    const bundleDir = mkdtempSync(join(dir, 'bundle-'));
    writeFileSync(join(bundleDir, 'policies.json'), JSON.stringify({ policies: [{ function: 'bundled' }] }));
    const keys = (env: NodeJS.ProcessEnv) => policySourceFromEnv(env, bundleDir).policies.map((p) => p.key);
    expect(keys({ THERMOSTAT_POLICY_FILE: file, THERMOSTAT_POLICY_DIR: policiesDir })).toEqual(['from-file:$LATEST']);
    expect(keys({ THERMOSTAT_POLICY_DIR: policiesDir })).toEqual(['from-dir:$LATEST']);
    expect(keys({})).toEqual(['bundled:$LATEST']);
    expect(() => policySourceFromEnv({}, dir)).toThrow(/set THERMOSTAT_POLICY_FILE/);
  });
});
