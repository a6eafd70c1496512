import { PRICES } from '../../../controller/cost';
import { aasTargetTracking } from '../../../simulator/strategies/aas-target-tracking';
import { scheduledProvisioned } from '../../../simulator/strategies/scheduled-pc';
import { staticProvisioned } from '../../../simulator/strategies/static-pc';
import { HOUR, MIN, oneFunction, policySet, run } from '../helpers';

describe('scheduled provisioned concurrency', () => {
  // Virtual time 0 is Monday 00:00 UTC.
  const businessHours = policySet(`defaults:
  mode: off
  windows:
    - name: office
      from: "08:00"
      to: "18:00"
      mode: provisioned
      provisioned: { min: 2 }
`);

  it('follows the windows, each increase waiting for its allocation', () => {
    const trace = oneFunction([8 * HOUR + 30_000, 8 * HOUR + 15 * MIN], 100, 10 * HOUR);
    const [scheduled, fixed] = run(trace, [scheduledProvisioned(), staticProvisioned()], {}, businessHours);
    // Allocating at 08:00 takes 90 s: the request at 08:00:30 is still cold, the one at 08:15 is not; without
    // provisioned concurrency it is cold too (15 minutes idle > 10-minute reclaim).
    expect(scheduled.coldStarts).toBe(1);
    expect(fixed.coldStarts).toBe(2);
    expect(fixed.cost.provisioned).toBe(0);
    // Two 1 GB environments from 08:00 to the end of the trace (10:00), not rounded: still enabled.
    expect(scheduled.cost.provisioned).toBeCloseTo(2 * 2 * 3600 * PRICES.x86_64.provisionedPerGbSecond, 12);
    const at = (t: number) => scheduled.series.provisioned[scheduled.series.t.indexOf(t)];
    expect(at(8 * HOUR)).toBe(0);
    expect(at(8 * HOUR + 2 * MIN)).toBe(2);
  });
});

describe('Application Auto Scaling target tracking', () => {
  const tracked = policySet('defaults:\n  provisioned: { min: 1, max: 10, utilization: 0.7 }\n');
  /** Every 200 ms for `minutes`, each request busy 600 ms: concurrency 3 on 1 provisioned environment. */
  const busy = (from: number, minutes: number) => Array.from({ length: minutes * 300 }, (_, i) => from + i * 200);

  it('scales out only after three minutes above target', () => {
    const trace = oneFunction(busy(0, 10), 600, 10 * MIN);
    const [aas] = run(trace, [aasTargetTracking()], {}, tracked);
    expect(aas.facts.scaleOuts).toBeGreaterThanOrEqual(1);
    const scaledAt = aas.series.t[aas.series.provisioned.findIndex((p) => p > 1)];
    // Alarm after minutes 0–2 (evaluated at 3:00), then 90 s of allocation.
    expect(scaledAt).toBeGreaterThanOrEqual(4 * MIN);
    expect(aas.provisioned.peak).toBeGreaterThanOrEqual(2);
  });

  it('never scales in without traffic, but does with low traffic', () => {
    const idle = oneFunction(busy(0, 10), 600, 2 * HOUR);
    const light = oneFunction(
      [...busy(0, 10), ...Array.from({ length: 100 }, (_, i) => 11 * MIN + i * MIN)],
      600,
      2 * HOUR,
    );
    const [quiet] = run(idle, [aasTargetTracking()], {}, tracked);
    const [trickle] = run(light, [aasTargetTracking()], {}, tracked);
    const last = (r: typeof quiet) => r.series.provisioned[r.series.provisioned.length - 1];
    expect(quiet.facts.scaleIns).toBe(0);
    expect(last(quiet)).toBe(quiet.provisioned.peak);
    expect(trickle.facts.scaleIns).toBeGreaterThanOrEqual(1);
    expect(last(trickle)).toBe(1);
  });
});
