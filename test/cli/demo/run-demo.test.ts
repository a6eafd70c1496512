import { DEMO_ENTRIES, packageRoot } from '../../../cli/demo/catalogue';
import { compressionFactor } from '../../../cli/demo/compression';
import { DemoSetupError, demoPolicies, STORY_START, windowBands } from '../../../cli/demo/run-demo';
import { functionName } from '../../../controller/policy';

describe('the demo setup', () => {
  const root = packageRoot();
  const settings = {
    durationMs: 45_000,
    factor: compressionFactor(45_000),
    tickMs: 1500,
    idleReclaimMs: 3000,
    storyStart: STORY_START,
  };

  it('finds the repository from the sources', () => {
    expect(require(`${root}/package.json`).name).toBe('lambda-thermostat');
  });

  it('manages every demo function with a valid policy that inherits the demo defaults', () => {
    const policies = demoPolicies(root, DEMO_ENTRIES);
    expect(policies.map((p) => functionName(p.policy.function)).sort()).toEqual(
      DEMO_ENTRIES.map((e) => e.fn.name).sort(),
    );
    // The examples' own defaults, not a demo copy of them.
    for (const loaded of policies) expect(loaded.policy.warm?.holdMs).toBe(100);
    const qualifiers = Object.fromEntries(policies.map((p) => [functionName(p.policy.function), p.policy.qualifier]));
    for (const entry of DEMO_ENTRIES) expect(qualifiers[entry.fn.name]).toBe(entry.fn.qualifier);
  });

  it('shades each policy window over the story day, in Paris time', () => {
    const policies = demoPolicies(root, DEMO_ENTRIES).map((loaded) => ({
      fn: functionName(loaded.policy.function),
      policy: loaded.policy,
    }));
    const bands = windowBands(policies, settings);
    const span = (label: string) => bands.find((b) => b.label === label);
    // checkout-api's business hours are 08:00-20:00 in Paris; the batch window is 23:00-03:00 UTC, i.e. until 04:00.
    expect(span('checkout-api: business-hours')).toEqual({ from: 8, to: 20, label: 'checkout-api: business-hours' });
    expect(span('nightly-batch: nightly-run')).toEqual({ from: 0, to: 4, label: 'nightly-batch: nightly-run' });
  });

  it('applies changes for compressed time as data, and validates the result', () => {
    const batch = DEMO_ENTRIES.find((entry) => entry.fn.name === 'nightly-batch')!;
    const changed = (windows: Record<string, { from?: string; to?: string }>) => [
      { ...batch, compressed: { windows, why: 'test' } },
    ];
    const [policy] = demoPolicies(root, changed({ 'nightly-run': { to: '04:00' } }));
    const windows = policy!.policy.windows!;
    expect(windows.find((w) => w.name === 'nightly-run')).toMatchObject({ from: '00:40', to: '04:00' });
    expect(windows.find((w) => w.name === 'weekend-reprocessing')).toMatchObject({ from: '23:00', to: '02:00' });

    expect(() => demoPolicies(root, changed({ nightly: { from: '23:00' } }))).toThrow(
      /nightly-batch\.yaml: the demo changes window "nightly", which the policy does not have/,
    );
    const invalid = () => demoPolicies(root, changed({ 'nightly-run': { from: '25:00' } }));
    expect(invalid).toThrow(DemoSetupError);
    expect(invalid).toThrow(/\(as the demo changes it for compressed time\): windows\[0\]\.from: .*got "25:00"/);
  });
});
