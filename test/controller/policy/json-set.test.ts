/**
 * Duplicate targets in a JSON policy set (issue 15, finding 7) are rejected like duplicates across YAML files,
 * wherever the set is read: the loader behind `thermostat validate`, synth (TargetPolicy.fromFile) and the
 * controller (its THERMOSTAT_POLICY_FILE). Before, the controller validated each entry on its own, so one tick
 * pinged a qualifier and set provisioned concurrency on it from two entries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '../../../cli/commands/validate';
import { main } from '../../../cli/main';
import { TargetPolicy } from '../../../construct';
import { bindTargets } from '../../../construct/binding';
import { ThermostatConfigError } from '../../../construct/errors';
import { readPolicyFile } from '../../../controller/policies';
import { formatIssue, loadPolicySet, parsePolicyJson } from '../../../controller/policy';
import { fn, newStack } from '../../construct/stacks';
import { memoryIo } from '../../helpers/io';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'thermostat-json-set-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
};

const warm = { function: 'api', qualifier: 'live', mode: 'warm', warm: { concurrency: 2 } };
const provisioned = { function: 'api', qualifier: 'live', mode: 'provisioned', provisioned: { min: 3 } };
const other = { function: 'other' };

describe('a JSON policy set naming one target twice', () => {
  it('is rejected by the controller: neither entry is loaded, each names the other', () => {
    const array = write('array.json', [warm, other, provisioned]);
    const source = readPolicyFile(array);
    expect(source.policies.map((p) => p.key)).toEqual(['other:$LATEST']);
    expect(source.issues.map(formatIssue)).toEqual([
      `${array}: [0].function: api (qualifier live) also has a policy in ${array} (at [2]); keep one policy per function and qualifier`,
      `${array}: [2].function: api (qualifier live) also has a policy in ${array} (at [0]); keep one policy per function and qualifier`,
    ]);

    // The construct's own form, and a function named once by name and once by ARN.
    const arn = { ...provisioned, function: 'arn:aws:lambda:eu-west-1:123456789012:function:api' };
    const wrapped = write('wrapped.json', { version: 1, policies: [warm, arn], sources: ['a.yaml', 'b.yaml'] });
    const fromConstruct = readPolicyFile(wrapped);
    expect(fromConstruct.policies).toEqual([]);
    expect(fromConstruct.issues.map((issue) => issue.path)).toEqual(['policies[0].function', 'policies[1].function']);
  });

  it('is rejected by `thermostat validate`, with the line of each entry', async () => {
    const path = write('validate.json', { policies: [warm, provisioned] });
    const io = memoryIo({ cwd: dir });
    const code = await main(['validate', 'validate.json'], io.io, [validate]);
    expect(code).toBe(1);
    expect(io.stdout()).toBe(
      [
        `validate.json: policies[0].function: api (qualifier live) also has a policy in validate.json (at policies[1]); keep one policy per function and qualifier (line 4, column 19)`,
        `validate.json: policies[1].function: api (qualifier live) also has a policy in validate.json (at policies[0]); keep one policy per function and qualifier (line 12, column 19)`,
        '',
      ].join('\n'),
    );
    expect(loadPolicySet([path]).policies).toEqual([]);
  });

  it('fails synth for TargetPolicy.fromFile', () => {
    const path = write('synth.json', [warm, provisioned]);
    const stack = newStack();
    const api = fn(stack, 'Api', { functionName: 'api' }).addAlias('live');
    const bind = () => bindTargets([{ function: api, policy: TargetPolicy.fromFile(path) }]);
    expect(bind).toThrow(ThermostatConfigError);
    expect(bind).toThrow(/\[1\]\.function: api \(qualifier live\) also has a policy in .*synth\.json \(at \[0\]\)/);
  });
});

describe('JSON policy sets', () => {
  it('apply the set’s defaults (under defaults: or as an entry) and report unknown set keys', () => {
    const result = parsePolicyJson(
      { defaults: { warm: { concurrency: 4 } }, policies: [{ function: 'a' }], extra: true, version: 2 },
      'set.json',
    );
    expect(result.policies.map((p) => [p.key, p.policy.warm?.concurrency, p.index])).toEqual([['a:$LATEST', 4, 0]]);
    expect(result.issues.map(formatIssue)).toEqual([
      'set.json: extra: unknown key "extra"; allowed keys here: policies, defaults, version, sources, $schema',
      'set.json: version: policy set version 2 is not one this version of Thermostat reads (1)',
    ]);
    const twoDefaults = parsePolicyJson([{ defaults: { mode: 'off' } }, { function: 'a' }], 'arr.json');
    expect(twoDefaults.issues).toEqual([]);
    expect(twoDefaults.policies[0]?.policy.mode).toBe('off');
  });

  it('still reads one policy or one defaults document as a JSON file', () => {
    expect(parsePolicyJson(other, 'one.json').policies.map((p) => p.key)).toEqual(['other:$LATEST']);
    expect(parsePolicyJson({ policies: [] }, 'empty.json')).toEqual({ policies: [], issues: [] });
  });
});
