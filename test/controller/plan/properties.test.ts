import fc from 'fast-check';
import type { Decision, Observed, TargetObservation } from '../../../controller/plan';
import { intervalTolerance, isWrite, plan, reservedHeadroom, tickPool } from '../../../controller/plan';
import type { Effective } from '../../../controller/policy';
import { effective } from '../../fixtures/controller/effective';

const NOW = Date.parse('2026-11-23T10:00:00Z');

const pcArb = fc.option(
  fc.record({
    requested: fc.integer({ min: 1, max: 50 }),
    allocated: fc.integer({ min: 0, max: 50 }),
    available: fc.integer({ min: 0, max: 50 }),
    status: fc.constantFrom('IN_PROGRESS' as const, 'READY' as const, 'FAILED' as const),
  }),
  { nil: null },
);
const stArb = fc.option(
  fc
    .integer({ min: 0, max: 20 })
    .chain((min) => fc.record({ min: fc.constant(min), max: fc.integer({ min, max: 30 }) })),
  { nil: null },
);
const managedArb = fc.option(
  fc.oneof(
    fc.record({ strategy: fc.constant('direct' as const), value: fc.integer({ min: 1, max: 50 }) }),
    fc.record({
      strategy: fc.constant('autoscaling' as const),
      min: fc.integer({ min: 0, max: 5 }),
      max: fc.integer({ min: 5, max: 30 }),
      utilization: fc.constant(0.7),
      ownsConfig: fc.option(fc.boolean(), { nil: undefined }),
    }),
  ),
  { nil: undefined },
);

const targetArb = fc.record({
  mode: fc.constantFrom('warm' as const, 'provisioned' as const, 'auto' as const, 'off' as const),
  concurrency: fc.integer({ min: 1, max: 300 }),
  intervalMs: fc.constantFrom(60_000, 300_000, 900_000),
  min: fc.integer({ min: 0, max: 20 }),
  extra: fc.integer({ min: 0, max: 20 }),
  strategy: fc.constantFrom('direct' as const, 'autoscaling' as const),
  adopt: fc.boolean(),
  maxConcurrency: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
  maxShare: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
  expectedUtilization: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  reserved: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  readState: fc.boolean(),
  pc: pcArb,
  st: stArb,
  managed: managedArb,
  lastPingAgo: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
  lastWanted: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
  missing: fc.boolean(),
});

const scenarioArb = fc.record({
  targets: fc.array(targetArb, { minLength: 0, maxLength: 8 }),
  account: fc.option(
    fc.integer({ min: 0, max: 3000 }).map((unreserved) => ({ limit: Math.max(unreserved, 1000), unreserved })),
    { nil: undefined },
  ),
  orphans: fc.array(fc.tuple(pcArb, managedArb), { maxLength: 3 }),
});

function materialise(input: typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never) {
  const policies: Effective[] = [];
  const targets: Record<string, TargetObservation> = {};
  input.targets.forEach((t, index) => {
    const policy = effective({
      function: `fn${index}`,
      mode: t.mode,
      warm: { concurrency: t.concurrency, intervalMs: t.intervalMs },
      provisioned: { min: t.min, max: t.min + t.extra, strategy: t.strategy, adopt: t.adopt },
      budget: { maxConcurrency: t.maxConcurrency, maxShare: t.maxShare },
      auto: t.expectedUtilization === undefined ? {} : { expectedUtilization: t.expectedUtilization },
    });
    policies.push(policy);
    targets[policy.key] = {
      ...(t.missing ? { problem: { kind: 'function-missing', message: 'Function not found' } } : {}),
      reservedConcurrency: t.reserved,
      ...(t.readState ? { provisioned: t.pc, scalableTarget: t.st } : {}),
      ...(t.managed
        ? { managed: { function: policy.function, qualifier: 'live', provisioned: t.managed, since: 0 } }
        : {}),
      ...(t.lastPingAgo === undefined ? {} : { lastPingAt: NOW - t.lastPingAgo }),
      ...(t.lastWanted === undefined ? {} : { lastWanted: t.lastWanted }),
    };
  });
  input.orphans.forEach(([pc, managed], index) => {
    targets[`orphan${index}:live`] = {
      provisioned: pc,
      scalableTarget: null,
      ...(managed
        ? { managed: { function: `orphan${index}`, qualifier: 'live', provisioned: managed, since: 0 } }
        : {}),
    };
  });
  const observed: Observed = { account: input.account, targets };
  return { policies, observed };
}

function run(input: Parameters<typeof materialise>[0]) {
  const { policies, observed } = materialise(input);
  return { policies, observed, decisions: plan(policies, new Date(NOW), observed) };
}

const pings = (decisions: Decision[]) =>
  decisions.filter((decision): decision is Extract<Decision, { kind: 'ping' }> => decision.kind === 'ping');

describe('planner properties', () => {
  it('pings of a tick never exceed the tick budget', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { policies, observed, decisions } = run(input);
        if (observed.account === undefined) return;
        const shares = policies.map((p) => p.budget.maxShare).filter((s) => s !== undefined);
        const pool = tickPool(observed.account, shares.length ? Math.max(...shares) : 0.2);
        const total = pings(decisions).reduce((sum, ping) => sum + ping.count, 0);
        expect(total).toBeLessThanOrEqual(pool);
      }),
    );
  });

  it('each target pings within its own budget and never uses all of its reserved concurrency', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { policies, observed, decisions } = run(input);
        for (const ping of pings(decisions)) {
          const policy = policies.find((p) => p.key === ping.key)!;
          const obs = observed.targets[ping.key];
          expect(ping.count).toBeGreaterThanOrEqual(1);
          expect(ping.count).toBeLessThanOrEqual(ping.wanted);
          if (policy.budget.maxConcurrency !== undefined) {
            expect(ping.count).toBeLessThanOrEqual(policy.budget.maxConcurrency);
          }
          if (policy.budget.maxShare !== undefined && observed.account) {
            expect(ping.count).toBeLessThanOrEqual(Math.floor(observed.account.unreserved * policy.budget.maxShare));
          }
          if (typeof obs.reservedConcurrency === 'number') {
            expect(ping.count).toBeLessThanOrEqual(obs.reservedConcurrency - reservedHeadroom(obs.reservedConcurrency));
          }
          // Without account settings only an absolute cap makes a ping possible.
          if (observed.account === undefined) expect(policy.budget.maxConcurrency).toBeDefined();
        }
      }),
    );
  });

  it('honours the interval unless the warmth was raised', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { policies, observed, decisions } = run(input);
        for (const ping of pings(decisions)) {
          const policy = policies.find((p) => p.key === ping.key)!;
          const obs = observed.targets[ping.key];
          if (obs.lastPingAt === undefined) continue;
          const raised = obs.lastWanted !== undefined && ping.wanted > obs.lastWanted;
          if (!raised) {
            expect(NOW - obs.lastPingAt).toBeGreaterThanOrEqual(
              policy.warm.intervalMs - intervalTolerance(policy.warm.intervalMs),
            );
          }
        }
      }),
    );
  });

  it('never writes to a qualifier another owner controls unless the policy adopts it', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { policies, observed, decisions } = run(input);
        for (const decision of decisions.filter(isWrite)) {
          const obs = observed.targets[decision.key];
          const managed = obs.managed?.provisioned;
          const adopt = policies.find((p) => p.key === decision.key)?.provisioned.adopt ?? false;
          const foreignTarget = obs.scalableTarget != null && managed?.strategy !== 'autoscaling';
          const foreignConfig = obs.provisioned != null && managed === undefined && obs.scalableTarget == null;
          if (foreignTarget || foreignConfig) {
            expect(adopt).toBe(true);
            expect(decision.mode === 'provisioned' || decision.mode === 'auto').toBe(true);
          }
        }
      }),
    );
  });

  it('off and warm remove only what Thermostat created', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { decisions, observed } = run(input);
        for (const decision of decisions.filter(isWrite)) {
          if (decision.mode !== 'off' && decision.mode !== 'warm') continue;
          expect(decision.kind === 'delete-provisioned' || decision.kind === 'deregister-scalable-target').toBe(true);
          expect(observed.targets[decision.key].managed?.provisioned).toBeDefined();
        }
      }),
    );
  });

  it('deletes a provisioned-concurrency config only when Thermostat set it or the policy adopts it', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { policies, observed, decisions } = run(input);
        for (const decision of decisions) {
          if (decision.kind !== 'delete-provisioned') continue;
          const managed = observed.targets[decision.key].managed?.provisioned;
          const policy = policies.find((p) => p.key === decision.key);
          const adopts =
            policy?.provisioned.adopt === true && (decision.mode === 'provisioned' || decision.mode === 'auto');
          // A record without ownsConfig (the simulator's) counts as owning the config; the controller always writes it.
          const ours =
            managed?.strategy === 'direct' || (managed?.strategy === 'autoscaling' && managed.ownsConfig !== false);
          expect(ours || adopts).toBe(true);
        }
      }),
    );
  });

  it('gives Application Auto Scaling a config to scale: a registration with min > 0 finds one or puts it first', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { observed, decisions } = run(input);
        decisions.forEach((decision, index) => {
          const obs = observed.targets[decision.key];
          if (decision.kind === 'register-scalable-target' && decision.min > 0 && obs.provisioned === null) {
            expect(decisions.slice(0, index)).toContainEqual(
              expect.objectContaining({ key: decision.key, kind: 'put-provisioned', value: decision.min }),
            );
          }
          if (decision.kind === 'put-provisioned' && decision.owned?.strategy === 'autoscaling') {
            // only where none exists, and recorded as Thermostat's
            expect(obs.provisioned).toBeNull();
            expect(decision.owned.ownsConfig).toBe(true);
          }
        });
      }),
    );
  });

  it('never puts zero or less, and writes nothing it could not read', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { decisions, observed } = run(input);
        for (const decision of decisions.filter(isWrite)) {
          if (decision.kind === 'put-provisioned') expect(decision.value).toBeGreaterThanOrEqual(1);
          const obs = observed.targets[decision.key];
          expect(obs.provisioned).not.toBeUndefined();
          expect(obs.scalableTarget).not.toBeUndefined();
        }
      }),
    );
  });

  it('says something with a reason about every policy, and is deterministic', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { policies, observed, decisions } = run(input);
        for (const policy of policies) expect(decisions.some((d) => d.key === policy.key)).toBe(true);
        for (const decision of decisions) expect(decision.reason.length).toBeGreaterThan(10);
        expect(plan(policies, new Date(NOW), observed)).toEqual(decisions);
      }),
    );
  });
});
