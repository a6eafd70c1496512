import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindDiscovered } from '../../controller/discovered';
import { readPolicyFile } from '../../controller/policies';
import { parsePolicyValue, TEMPLATE_FUNCTION } from '../../controller/policy/core';
import { bindTargets } from '../../controller/targets';
import { effective } from '../fixtures/controller/effective';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';

describe('templates', () => {
  it('a template: document is validated as a policy for a stand-in function, with the set defaults', () => {
    const file = join(tmpdir(), `templates-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        defaults: { warm: { interval: '2m' } },
        policies: [
          { function: 'orders', qualifier: 'live' },
          { template: 'api', qualifier: 'live', warm: { concurrency: 3 } },
          { template: 'api', warm: { concurrency: 1 } },
          { template: 'bad', mode: 'provisioned' },
          { template: 42 },
        ],
      }),
    );
    const source = readPolicyFile(file);
    expect(source.policies.map((loaded) => loaded.key)).toEqual(['orders:live']);
    expect(source.templates).toHaveLength(1);
    expect(source.templates![0]).toMatchObject({
      name: 'api',
      index: 1,
      policy: { function: TEMPLATE_FUNCTION, qualifier: 'live', warm: { concurrency: 3, interval: '2m' } },
    });
    const messages = source.issues.map((issue) => `${issue.file} ${issue.path}: ${issue.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/policies\[2\]\.template: template "api" is also defined in/),
      expect.stringMatching(/policies\[3\]\.qualifier: .*provisioned/),
      expect.stringMatching(/policies\[4\]\.template: expected a template name usable as a tag value/),
    ]);
  });

  it('a plain policy set has no templates', () => {
    expect(parsePolicyValue({ function: 'orders' }, 'x').templates).toBeUndefined();
  });
});

describe('bindDiscovered', () => {
  const template = parsePolicyValue({ template: 'api', qualifier: 'live', warm: { concurrency: 2 } }, 't.json')
    .templates![0]!;
  const explicit = parsePolicyValue({ function: 'Orders-policy-name', qualifier: 'live' }, 'o.json').policies;
  const found = [
    { arn: `${ARN}checkout`, name: 'checkout', template: 'api' },
    { arn: `${ARN}Stack-Orders-X1`, name: 'Stack-Orders-X1', template: 'api' },
    { arn: `${ARN}legacy`, name: 'legacy', template: 'gone' },
  ];

  it('gives each tagged function its template, keyed by ARN; a policy of its own wins; unknown names are issues', () => {
    const map = { 'Orders-policy-name:live': `${ARN}Stack-Orders-X1:live` };
    const bound = bindDiscovered(found, [template], explicit, map, 'thermostat:policy');
    expect(bound.policies).toEqual([
      {
        file: 't.json (template api, tag on checkout)',
        index: 0,
        key: `${ARN}checkout:live`,
        policy: { ...template.policy, function: `${ARN}checkout` },
      },
    ]);
    expect(bound.shadowed).toBe(1);
    expect([...bound.keys]).toEqual([`${ARN}checkout:live`]);
    expect(bound.issues).toEqual([
      {
        file: `${ARN}legacy`,
        path: 'tags.thermostat:policy',
        message: expect.stringContaining(
          'tagged thermostat:policy="gone", but the policy set has no template of that name (templates: "api")',
        ),
      },
    ]);
  });

  it('discovered policies bind to their own ARN even when THERMOSTAT_TARGETS maps the others', () => {
    const discovered = effective({ key: `${ARN}checkout:live`, function: `${ARN}checkout` });
    const mapped = effective({ function: 'orders' });
    const binding = bindTargets(
      [discovered, mapped],
      { 'orders:live': `${ARN}Stack-Orders-X1:live` },
      new Set([discovered.key]),
    );
    expect(binding.bound.map((policy) => policy.function)).toEqual([`${ARN}checkout`, `${ARN}Stack-Orders-X1`]);
    expect(binding.unbound).toEqual([]);
    expect(binding.unknown).toEqual([]);
  });
});
