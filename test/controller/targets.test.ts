import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerConfigError } from '../../controller/errors';
import { parsePolicyValue, resolvePolicy } from '../../controller/policy/core';
import {
  bindTargets,
  mergeTargetMaps,
  parseFunctionArn,
  parseTargetMap,
  readConfigFile,
  targetName,
} from '../../controller/targets';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function';
const NOW = new Date('2026-11-23T10:00:00Z');

function effective(...policies: Array<Record<string, unknown>>) {
  return policies.map((policy) => resolvePolicy(parsePolicyValue(policy, 'p.json').policies[0]!.policy, NOW));
}

describe('parseFunctionArn', () => {
  it('splits unqualified and qualified ARNs, in any partition', () => {
    expect(parseFunctionArn(`${ARN}:Stack-Api-1A2B`)).toEqual({
      function: `${ARN}:Stack-Api-1A2B`,
      name: 'Stack-Api-1A2B',
      qualifier: undefined,
    });
    expect(parseFunctionArn(`${ARN}:Stack-Api-1A2B:live`)).toMatchObject({ name: 'Stack-Api-1A2B', qualifier: 'live' });
    expect(parseFunctionArn(`${ARN}:Stack-Api-1A2B:$LATEST`)).toMatchObject({ qualifier: undefined });
    expect(parseFunctionArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:api:7')).toMatchObject({
      function: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:api',
      qualifier: '7',
    });
  });

  it('rejects names, partial ARNs and other services', () => {
    for (const value of ['api', 'api:live', '123456789012:function:api', 'arn:aws:sqs:eu-west-1:123456789012:q', ''])
      expect(parseFunctionArn(value)).toBeUndefined();
  });
});

describe('parseTargetMap', () => {
  it('reads the construct’s JSON object', () => {
    const map = parseTargetMap(JSON.stringify({ 'api:live': `${ARN}:Stack-Api-1A2B:live` }));
    expect(map).toEqual({ 'api:live': `${ARN}:Stack-Api-1A2B:live` });
  });

  it('rejects what is not an object of strings, naming the variable', () => {
    expect(() => parseTargetMap('{"api:live":')).toThrow(ControllerConfigError);
    expect(() => parseTargetMap('{"api:live":')).toThrow(/^THERMOSTAT_TARGETS is not JSON/);
    expect(() => parseTargetMap('["arn"]')).toThrow('THERMOSTAT_TARGETS is ["arn"]; expected an object');
    expect(() => parseTargetMap('{"api:live":1}')).toThrow(
      'THERMOSTAT_TARGETS["api:live"] is 1; expected a function ARN',
    );
  });
});

describe('bindTargets', () => {
  it('without a map, policies act on the functions they name', () => {
    const policies = effective({ function: 'api', qualifier: 'live' });
    expect(bindTargets(policies, undefined)).toEqual({ bound: policies, unbound: [], unknown: [] });
  });

  it('points each policy at its ARN, keeping its key; the ARN’s qualifier replaces a stand-in', () => {
    const policies = effective(
      { function: 'api', qualifier: 'live', warm: { concurrency: 3 } },
      { function: 'inbox' },
      { function: 'Batch-t2', qualifier: 'version' },
    );
    const { bound, unbound, unknown } = bindTargets(policies, {
      'api:live': `${ARN}:Stack-Api-1A2B:live`,
      'inbox:$LATEST': `${ARN}:Stack-Inbox-3C4D`,
      'Batch-t2:version': `${ARN}:Stack-Batch-5E6F:12`,
    });
    expect(unbound).toEqual([]);
    expect(unknown).toEqual([]);
    expect(bound.map((p) => [p.key, p.function, p.qualifier])).toEqual([
      ['api:live', `${ARN}:Stack-Api-1A2B`, 'live'],
      ['inbox:$LATEST', `${ARN}:Stack-Inbox-3C4D`, undefined],
      ['Batch-t2:version', `${ARN}:Stack-Batch-5E6F`, '12'],
    ]);
    expect(bound[0]!.warm.concurrency).toBe(3);
  });

  it('fails policies without an entry or with an unusable one, and reports entries without a policy', () => {
    const policies = effective(
      { function: 'api', qualifier: 'live' },
      { function: 'missing', qualifier: 'live' },
      { function: 'name-only', qualifier: 'live' },
      { function: 'to-latest', qualifier: 'live' },
      { function: 'to-alias' },
    );
    const { bound, unbound, unknown } = bindTargets(policies, {
      'api:live': `${ARN}:Stack-Api-1A2B:live`,
      'name-only:live': 'Stack-NameOnly-1A2B:live',
      'to-latest:live': `${ARN}:Stack-ToLatest-1A2B`,
      'to-alias:$LATEST': `${ARN}:Stack-ToAlias-1A2B:live`,
      'gone:live': `${ARN}:Stack-Gone-1A2B:live`,
    });
    expect(bound.map((p) => p.key)).toEqual(['api:live']);
    expect(unbound.map((u) => [u.key, u.kind])).toEqual([
      ['missing:live', 'target-unmapped'],
      ['name-only:live', 'target-invalid'],
      ['to-latest:live', 'target-invalid'],
      ['to-alias:$LATEST', 'target-invalid'],
    ]);
    expect(unbound[0]!.message).toBe(
      'THERMOSTAT_TARGETS has no entry for missing:live, so it is not acted on (its function name may not be the deployed one); redeploy so the construct maps every policy',
    );
    expect(unbound[1]!.message).toContain('"Stack-NameOnly-1A2B:live", which is not a Lambda function ARN');
    expect(unbound[2]!.message).toContain('which is $LATEST, but the policy is for qualifier live');
    expect(unbound[3]!.message).toContain('which is qualifier live, but the policy is for $LATEST');
    expect(unknown).toEqual([
      {
        key: 'gone:live',
        arn: `${ARN}:Stack-Gone-1A2B:live`,
        kind: 'target-unknown',
        message: expect.stringContaining('but no policy has that key (policies: api:live, missing:live'),
      },
    ]);
  });
});

describe('targetName', () => {
  it('is the ARN’s part after function:, as the construct’s dashboard expects', () => {
    expect(targetName(`${ARN}:Stack-Api-1A2B`, 'live')).toBe('Stack-Api-1A2B:live');
    expect(targetName(`${ARN}:Stack-Api-1A2B`, undefined)).toBe('Stack-Api-1A2B');
    expect(targetName(`${ARN}:Stack-Api-1A2B`, '$LATEST')).toBe('Stack-Api-1A2B');
    expect(targetName(`${ARN}:Stack-Api-1A2B:7`, undefined)).toBe('Stack-Api-1A2B:7');
    expect(targetName('api', 'live')).toBe('api:live');
  });
});

/** A CloudFormation pseudo-parameter placeholder, `${AWS::<name>}`. */
const P = (name: string) => `\${AWS::${name}}`;

describe('the construct’s configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };

  test('fills pseudo-parameter placeholders from the environment and keeps literal ARNs', () => {
    const path = write('ok.json', {
      version: 1,
      targets: {
        'api:live': `arn:${P('Partition')}:lambda:${P('Region')}:${P('AccountId')}:function:api:live`,
        'imported:$LATEST': `${ARN}:imported`,
      },
      detailedMetrics: ['api:live'],
    });
    const config = readConfigFile(path, {
      THERMOSTAT_PARTITION: 'aws',
      AWS_REGION: 'eu-west-1',
      THERMOSTAT_ACCOUNT: '123456789012',
    });
    expect(config.targets).toEqual({
      'api:live': 'arn:aws:lambda:eu-west-1:123456789012:function:api:live',
      'imported:$LATEST': `${ARN}:imported`,
    });
    expect(config.detailedMetrics).toEqual(['api:live']);
  });

  test('names the file and the missing variable, and rejects a wrong shape', () => {
    const path = write('placeholder.json', {
      targets: { 'api:live': `arn:aws:lambda:eu-west-1:${P('AccountId')}:function:api:live` },
    });
    expect(() => readConfigFile(path, {})).toThrow(
      `${path} has an ARN with \${AWS::AccountId} (arn:aws:lambda:eu-west-1:\${AWS::AccountId}:function:api:live) but THERMOSTAT_ACCOUNT is not set`,
    );
    expect(() => readConfigFile(write('array.json', []), {})).toThrow(ControllerConfigError);
    expect(() => readConfigFile(write('bad.json', '{'), {})).toThrow(/is not JSON/);
    expect(() => readConfigFile(write('metrics.json', { detailedMetrics: 'all' }), {})).toThrow(
      /detailedMetrics is "all"; expected policy keys/,
    );
    expect(() => readConfigFile(join(dir, 'missing.json'), {})).toThrow(/^cannot read THERMOSTAT_CONFIG_FILE/);
  });

  test('merges with THERMOSTAT_TARGETS, which carries the ARNs known only at deploy time', () => {
    expect(mergeTargetMaps(undefined, undefined)).toBeUndefined();
    expect(mergeTargetMaps({ a: '1' }, { b: '2' })).toEqual({ a: '1', b: '2' });
  });
});
