import { withConfiguredDiscovery } from '../../../controller/discover/configured';
import { parsePolicyJson } from '../../../controller/policy/core';

describe('withConfiguredDiscovery', () => {
  it("adds the construct's discovery policies as templates named by their function, and reports bad ones", () => {
    const source = parsePolicyJson(
      {
        policies: [
          { function: 'api', qualifier: 'live' },
          { template: 'standard', qualifier: 'live' },
        ],
      },
      'policies.json',
    );
    const merged = withConfiguredDiscovery(
      source,
      {
        tagKey: 'thermostat:policy',
        policies: [
          { function: 'nightly', qualifier: 'live', warm: { concurrency: 3 } },
          // the policy file's own template of that name wins
          { function: 'standard', qualifier: 'live', warm: { concurrency: 9 } },
          { function: 'broken', qualifier: 'live', warm: { concurrency: 'many' } },
        ],
      },
      'config.json',
    );
    expect(merged.policies.map((policy) => policy.key)).toEqual(['api:live']);
    expect(merged.templates?.map((template) => [template.name, template.policy.warm?.concurrency])).toEqual([
      ['standard', undefined],
      ['nightly', 3],
    ]);
    expect(merged.issues).toEqual([
      expect.objectContaining({ file: 'config.json discovery', path: 'policies[2].warm.concurrency' }),
    ]);
    expect(withConfiguredDiscovery(source, undefined, 'config.json')).toBe(source);
  });
});
