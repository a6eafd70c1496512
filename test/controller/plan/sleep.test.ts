import {
  EMPTY_TRAFFIC,
  LONGEST_ORDINARY_PAUSE_MS,
  MAX_SLEEP_MS,
  NOTICE_SLEEP_MS,
  nextTick,
  type Observed,
  plan,
  quietUntil,
  recordProbe,
  recordSightings,
  settledUntil,
} from '../../../controller/plan';
import { ACCOUNT, effective } from '../../fixtures/controller/effective';

const MINUTE = 60_000;
const NOW = Date.parse('2026-11-23T10:00:00Z');

const observed = (targets: Observed['targets']): Observed => ({ account: ACCOUNT, targets });

describe('when the controller next needs to run', () => {
  it('sleeps until the earliest next round when every target only waits for its interval', () => {
    const policies = [effective({ function: 'a' }), effective({ function: 'b', warm: { intervalMs: 15 * MINUTE } })];
    const seen = observed({ 'a:live': { lastPingAt: NOW - MINUTE }, 'b:live': { lastPingAt: NOW - 2 * MINUTE } });
    const decisions = plan(policies, new Date(NOW), seen);
    expect(decisions.map((d) => d.kind)).toEqual(['skip', 'skip']);
    const next = nextTick(policies, decisions, seen, NOW, MINUTE);
    // a is due 5 minutes after its last ping, less the schedule's tolerance (30 s)
    expect(next).toMatchObject({ sleeps: true, at: NOW - MINUTE + 5 * MINUTE - 30_000 });
    expect(next.why).toMatch(/^a:live: not-due/);
  });

  it('runs the next tick as usual when a target was pinged, or when the wait is under two ticks', () => {
    const policies = [effective({ function: 'a' })];
    const fresh = observed({ 'a:live': {} });
    const pinged = plan(policies, new Date(NOW), fresh);
    expect(pinged[0].kind).toBe('ping');
    expect(nextTick(policies, pinged, fresh, NOW, MINUTE)).toMatchObject({ sleeps: false, at: NOW + MINUTE });

    const soon = observed({ 'a:live': { lastPingAt: NOW - 3 * MINUTE } });
    const waiting = plan(policies, new Date(NOW), soon);
    expect(nextTick(policies, waiting, soon, NOW, MINUTE)).toMatchObject({ sleeps: false, at: NOW + MINUTE });
  });

  it('after a round (or probe) the caller found settled, sleeps until the time it gave; not otherwise', () => {
    const policies = [effective({ function: 'a' })];
    const fresh = observed({ 'a:live': {} });
    const pinged = plan(policies, new Date(NOW), fresh);
    const until = settledUntil(policies[0], { lastPingAt: NOW }, ACCOUNT, NOW);
    expect(until).toEqual({ until: NOW + 5 * MINUTE - 30_000 });
    const next = nextTick(policies, pinged, fresh, NOW, MINUTE, new Map([['a:live', until!]]));
    expect(next).toMatchObject({ sleeps: true, at: NOW + 5 * MINUTE - 30_000, why: 'a:live: next round' });
    // auto mode re-sizes from the round's proofs: settled only when the caller says so (settledUntil)
    const auto = [effective({ function: 'a', mode: 'auto' })];
    const autoPinged = plan(auto, new Date(NOW), fresh);
    expect(autoPinged.some((decision) => decision.kind === 'ping')).toBe(true);
    expect(nextTick(auto, autoPinged, fresh, NOW, MINUTE).sleeps).toBe(false);
    expect(
      nextTick(auto, autoPinged, fresh, NOW, MINUTE, new Map([['a:live', { until: NOW + 20 * MINUTE }]])),
    ).toMatchObject({
      sleeps: true,
      at: NOW + 20 * MINUTE,
    });
    // a probe nobody found settled keeps the regular schedule: the next tick plans a full round if it must
    const probe = pinged.map((decision) => ({ ...decision, probe: true as const }));
    expect(nextTick(policies, probe, fresh, NOW, MINUTE).sleeps).toBe(false);
  });

  it(`never sleeps longer than ${LONGEST_ORDINARY_PAUSE_MS / MINUTE} minutes (or the deployment's shorter bound), nor past a window edge`, () => {
    const hourly = [effective({ function: 'a', warm: { intervalMs: 60 * MINUTE } })];
    const seen = observed({ 'a:live': { lastPingAt: NOW - MINUTE } });
    const decisions = plan(hourly, new Date(NOW), seen);
    // the next round is due within the hour: the pause ends there
    expect(nextTick(hourly, decisions, seen, NOW, MINUTE).at).toBeLessThan(NOW + 60 * MINUTE);
    const rare = [effective({ function: 'a', warm: { intervalMs: 240 * MINUTE } })];
    const long = plan(rare, new Date(NOW), seen);
    expect(nextTick(rare, long, seen, NOW, MINUTE)).toMatchObject({
      sleeps: true,
      at: NOW + LONGEST_ORDINARY_PAUSE_MS,
      why: `nothing due within ${LONGEST_ORDINARY_PAUSE_MS / MINUTE} minutes`,
    });
    // only a check put off waits longer (below), as long as the deployment allows
    expect(LONGEST_ORDINARY_PAUSE_MS).toBeLessThan(MAX_SLEEP_MS);
    // where a newly tagged function must be noticed soon, the caller bounds the pause tighter
    expect(nextTick(rare, long, seen, NOW, MINUTE, new Map(), NOTICE_SLEEP_MS)).toMatchObject({
      sleeps: true,
      at: NOW + NOTICE_SLEEP_MS,
    });
    expect(NOTICE_SLEEP_MS).toBeLessThan(MAX_SLEEP_MS);

    const edge = new Date(NOW + 7 * MINUTE);
    const windowed = [effective({ function: 'a', warm: { intervalMs: 60 * MINUTE }, until: edge })];
    const next = nextTick(windowed, plan(windowed, new Date(NOW), seen), seen, NOW, MINUTE);
    expect(next).toMatchObject({ sleeps: true, at: edge.getTime() });
    expect(next.why).toMatch(/window edge/);
  });

  describe('a check of busy traffic put off while nothing else is due', () => {
    // a function serving 600 requests a minute: a full round 40 minutes ago, a probe that confirmed it 10 minutes ago
    const env = { envId: 'e', initAt: NOW - 100 * MINUTE };
    const round = recordSightings(EMPTY_TRAFFIC, NOW - 40 * MINUTE, [
      { ...env, realServed: 600 * 60, lastRealAt: NOW - 40 * MINUTE - 1_000 },
    ]);
    const traffic = recordProbe(round, NOW - 10 * MINUTE, [
      { ...env, realServed: 600 * 90, lastRealAt: NOW - 10 * MINUTE - 1_000 },
    ]);
    const busy = { lastPingAt: NOW - 40 * MINUTE, lastWanted: 1, lastProven: 1, traffic };
    const checkAt = NOW + 20 * MINUTE;
    const latest = NOW - 10 * MINUTE + MAX_SLEEP_MS;

    it('pauses the schedule until the latest the check may wait, when it is all there is', () => {
      const policies = [effective({ function: 'a', mode: 'auto' })];
      const seen = observed({ 'a:live': busy });
      const decisions = plan(policies, new Date(NOW), seen);
      expect(decisions.find((d) => d.kind === 'skip')).toMatchObject({
        cause: 'kept-warm-by-traffic',
        nextAt: checkAt,
        latestAt: latest,
      });
      expect(nextTick(policies, decisions, seen, NOW, MINUTE)).toMatchObject({
        sleeps: true,
        at: latest,
        why: 'a:live: kept-warm-by-traffic (its check put off while nothing else is due)',
      });
      // a deployment that must notice new functions soon still bounds the pause
      expect(nextTick(policies, decisions, seen, NOW, MINUTE, new Map(), NOTICE_SLEEP_MS).at).toBe(
        NOW + NOTICE_SLEEP_MS,
      );
      // the controller woke at last: the check is due, one unheld ping
      const woke = plan(policies, new Date(latest), seen);
      expect(woke.find((d) => d.kind === 'ping')).toMatchObject({ probe: true });
    });

    it('is checked on its horizon by the ticks another target wakes the controller for', () => {
      const policies = [effective({ function: 'a', mode: 'auto' }), effective({ function: 'b' })];
      const seen = observed({ 'a:live': busy, 'b:live': { lastPingAt: NOW - MINUTE } });
      const next = nextTick(policies, plan(policies, new Date(NOW), seen), seen, NOW, MINUTE);
      expect(next).toMatchObject({ sleeps: true, at: NOW - MINUTE + 5 * MINUTE - 30_000 });
      expect(next.why).toMatch(/^b:live: not-due/);
      // a target waiting for something else hours away keeps the ordinary bound on the pause
      const hourly = [policies[0], effective({ function: 'c', warm: { intervalMs: 240 * MINUTE } })];
      const far = observed({ 'a:live': busy, 'c:live': { lastPingAt: NOW - MINUTE } });
      expect(nextTick(hourly, plan(hourly, new Date(NOW), far), far, NOW, MINUTE)).toMatchObject({
        sleeps: true,
        at: NOW + LONGEST_ORDINARY_PAUSE_MS,
      });
      // b's rounds keep the controller awake past a's horizon: the tick then probes a
      const later = plan(policies, new Date(checkAt), seen);
      expect(later.find((d) => d.key === 'a:live' && d.kind === 'ping')).toMatchObject({ probe: true });
    });

    it("is not put off in a sharded tick's quiet time, nor after a probe that the caller found settled", () => {
      const policy = effective({ function: 'a', mode: 'auto' });
      const decisions = plan([policy], new Date(NOW), observed({ 'a:live': busy }));
      expect(quietUntil(policy, decisions, busy, NOW, MINUTE)).toBe(checkAt);
      // planned again after the probe that confirmed it, the target is settled until its horizon, or the latest
      const settled = settledUntil(policy, busy, ACCOUNT, NOW - 10 * MINUTE, { tickMs: MINUTE }, true);
      expect(settled).toEqual({ until: checkAt, latestAt: latest });
      // the tick that sent that probe: it pauses until the latest, a shard's quiet time ends at the horizon
      const before = { ...busy, traffic: round };
      const seen = observed({ 'a:live': before });
      const probe = plan([policy], new Date(NOW - 10 * MINUTE), seen);
      expect(probe.find((d) => d.kind === 'ping')).toMatchObject({ probe: true });
      const sent = NOW - 10 * MINUTE;
      expect(nextTick([policy], probe, seen, sent, MINUTE, new Map([['a:live', settled!]])).at).toBe(latest);
      expect(quietUntil(policy, probe, before, sent, MINUTE, settled)).toBe(checkAt);
    });
  });

  it('does not sleep while provisioned concurrency is in play, or while a target has other work', () => {
    const pc = [effective({ function: 'a', mode: 'provisioned', provisioned: { min: 1, max: 1 } })];
    const seen = observed({ 'a:live': { provisioned: null, lastPingAt: NOW - MINUTE } });
    expect(nextTick(pc, plan(pc, new Date(NOW), seen), seen, NOW, MINUTE).sleeps).toBe(false);

    const warm = [effective({ function: 'a' })];
    const someone = observed({
      'a:live': {
        lastPingAt: NOW - MINUTE,
        provisioned: { requested: 2, allocated: 2, available: 2, status: 'READY' },
      },
    });
    expect(nextTick(warm, plan(warm, new Date(NOW), someone), someone, NOW, MINUTE).sleeps).toBe(false);

    // the budget could not be read: skipped with no time to wait for
    const blind = [effective({ function: 'a', budget: {} })];
    const unknown: Observed = { targets: { 'a:live': {} } };
    const decisions = plan(blind, new Date(NOW), unknown);
    expect(decisions[0]).toMatchObject({ kind: 'skip', cause: 'budget-unknown' });
    expect(nextTick(blind, decisions, unknown, NOW, MINUTE).sleeps).toBe(false);
  });

  it('keeps ticking while a target no policy names is released', () => {
    const policies = [effective({ function: 'a' })];
    const seen = observed({
      'a:live': { lastPingAt: NOW - MINUTE },
      'gone:live': {
        provisioned: null,
        managed: { function: 'gone', qualifier: 'live', provisioned: undefined, since: NOW - 60 * MINUTE },
      },
    });
    const decisions = plan(policies, new Date(NOW), seen);
    expect(decisions.some((d) => d.key === 'gone:live')).toBe(true);
    expect(nextTick(policies, decisions, seen, NOW, MINUTE).sleeps).toBe(false);
  });
});

describe('settledUntil', () => {
  const auto = effective({ function: 'a', mode: 'auto' });
  const observedAfter = (perMinute: number, busyMs: number) => ({
    lastPingAt: NOW,
    lastWanted: 1,
    lastProven: 1,
    traffic: recordSightings(EMPTY_TRAFFIC, NOW, [
      // an hour-old environment that served `perMinute` requests a minute, busy `busyMs` in all
      {
        envId: 'e',
        initAt: NOW - 60 * MINUTE,
        realServed: perMinute * 60,
        realBusyMs: busyMs,
        lastRealAt: NOW - 90_000,
      },
    ]),
  });

  it('auto mode: settled when planning again with what the round showed finds nothing to do before the next round', () => {
    expect(settledUntil(auto, observedAfter(0.5, 30 * 500), ACCOUNT, NOW, { tickMs: MINUTE })).toEqual({
      until: NOW + 5 * MINUTE - 30_000,
    });
    // the round showed a load that needs a second environment: the next tick raises warmth, so it must run
    expect(settledUntil(auto, observedAfter(0.5, 30 * 12_000), ACCOUNT, NOW, { tickMs: MINUTE })).toBeUndefined();
    // unless rounds are aligned: auto mode's raise then waits for the next round on the grid
    const aligned = { tickMs: MINUTE, alignRounds: true };
    expect(settledUntil(auto, observedAfter(0.5, 30 * 12_000), ACCOUNT, NOW, aligned)?.until).toBeGreaterThan(
      NOW + MINUTE,
    );
  });

  it('warm mode: a round that proved what it wanted is settled', () => {
    expect(settledUntil(effective({ function: 'a' }), observedAfter(0.5, 30 * 12_000), ACCOUNT, NOW)).toEqual({
      until: NOW + 5 * MINUTE - 30_000,
    });
  });
});
