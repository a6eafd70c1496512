import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicySet, resolvePolicy } from '../../../controller/policy';

const dir = join(__dirname, '..', '..', '..', 'examples', 'policies');
const set = loadPolicySet([dir]);
const policy = (key: string) => set.policies.find((p) => p.key === key)!.policy;

describe('examples/policies', () => {
  it('is one valid policy set', () => {
    expect(set.issues).toEqual([]);
    expect(set.policies.map((p) => p.key).sort()).toEqual([
      'arn:aws:lambda:eu-west-1:123456789012:function:nightly-batch:prod',
      'checkout-api:live',
      'payments-webhook:live',
      'recommendations:live',
    ]);
  });

  it.each(readdirSync(dir))('%s points editors at the schema', (name) => {
    expect(readFileSync(join(dir, name), 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../schema/policy.schema.json',
    );
  });

  it('warms the checkout API for the Saturday rush, in Paris time', () => {
    // Saturday 2025-06-14 15:00 in Paris (13:00Z).
    const rush = resolvePolicy(policy('checkout-api:live'), new Date('2025-06-14T13:00:00Z'));
    expect(rush).toMatchObject({
      window: 'saturday-rush',
      mode: 'warm',
      warm: { concurrency: 10, intervalMs: 300_000 },
    });
    const weekday = resolvePolicy(policy('checkout-api:live'), new Date('2025-06-16T13:00:00Z'));
    expect(weekday).toMatchObject({ window: 'business-hours', warm: { concurrency: 6, intervalMs: 240_000 } });
    expect(weekday.budget).toEqual({ maxShare: 0.1 });
  });

  it('provisions the nightly batch only around its run, in UTC despite the Paris default', () => {
    const batch = policy('arn:aws:lambda:eu-west-1:123456789012:function:nightly-batch:prod');
    const run = resolvePolicy(batch, new Date('2025-06-17T01:00:00Z'));
    expect(run).toMatchObject({
      window: 'nightly-run',
      mode: 'provisioned',
      provisioned: { min: 50, max: 150, strategy: 'autoscaling', utilization: 0.7 },
    });
    expect(run.until?.toISOString()).toBe('2025-06-17T03:00:00.000Z');
    expect(resolvePolicy(batch, new Date('2025-06-17T12:00:00Z')).mode).toBe('off');
    // Sunday 23:00 until Monday 02:00; at Monday 01:00 the earlier nightly-run window wins.
    expect(resolvePolicy(batch, new Date('2025-06-15T23:30:00Z')).window).toBe('weekend-reprocessing');
    expect(resolvePolicy(batch, new Date('2025-06-16T00:20:00Z')).window).toBe('weekend-reprocessing');
  });

  it('keeps one environment of the webhook warm with the middy payload', () => {
    const webhook = resolvePolicy(policy('payments-webhook:live'), new Date('2025-06-17T12:00:00Z'));
    expect(webhook).toMatchObject({
      mode: 'warm',
      warm: { concurrency: 1, holdMs: 100, payload: { flavour: 'middy' } },
    });
  });
});
