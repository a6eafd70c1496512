import { formatIssue, parsePolicySource, timeoutIssues } from '../../../controller/policy';

const loaded = (text: string) => parsePolicySource(text, 'api.yaml').policies[0]!;

describe('timeoutIssues', () => {
  it('accepts the default hold against the default Lambda timeout (3 s)', () => {
    expect(timeoutIssues(loaded('function: api\n'), 3_000)).toEqual([]);
  });

  it('flags every hold, base and window, above half the function timeout', () => {
    const policy = loaded(
      'function: api\nwarm: { holdMs: 2000 }\nwindows:\n  - { name: w, from: "01:00", to: "02:00", warm: { holdMs: 1000 } }\n  - { name: v, from: "03:00", to: "04:00", warm: { holdMs: 1600 } }\n',
    );
    expect(timeoutIssues(policy, 3_000).map(formatIssue)).toEqual([
      'api.yaml: warm.holdMs: 2000 ms is more than half the function timeout (3s); use at most 1500, or raise the timeout',
      'api.yaml: windows[1].warm.holdMs: 1600 ms is more than half the function timeout (3s); use at most 1500, or raise the timeout',
    ]);
  });
});
