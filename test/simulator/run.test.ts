import { resolve } from 'node:path';
import { simulate } from '../../simulator/run';
import { createStrategy, STRATEGY_IDS } from '../../simulator/strategies';
import { loadTrace } from '../../simulator/traces/load';
import { policySet } from './helpers';

const SHARED = resolve(__dirname, '../../../shared/traces');
const policies = policySet('defaults:\n  warm: { concurrency: 2, interval: 5m }\n  provisioned: { max: 4 }\n');

describe('simulate on a real trace', () => {
  const trace = loadTrace(resolve(SHARED, 'azure2021_invitro_head998'));
  const once = (seed: number) =>
    simulate({ trace, policySet: policies, strategies: STRATEGY_IDS.map(createStrategy), model: { seed } }).results;

  it('runs every strategy on the same traffic, deterministically for a seed', () => {
    const a = once(3);
    const b = once(3);
    // (Two runs with seed 3 and one with seed 4; 998 invocations × 8 strategies each.)
    const strip = (results: typeof a) => results.map(({ wallMs: _wall, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(a.map((r) => r.strategy)).toEqual([...STRATEGY_IDS]);
    for (const r of a) expect(r.requests).toBe(998);
    // Reclaim draws and network jitter follow the seed.
    expect(strip(once(4))).not.toEqual(strip(a));
  });

  it('orders the strategies as expected on cold share and cost', () => {
    const byId = Object.fromEntries(once(1).map((r) => [r.strategy, r]));
    // The trace is not hand-computed, but a few relations must hold on any traffic.
    expect(byId.oracle.coldShare).toBe(0);
    for (const id of STRATEGY_IDS) expect(byId[id].coldShare).toBeGreaterThanOrEqual(byId.oracle.coldShare);
    expect(byId.none.coldShare).toBeGreaterThan(byId['static-pc'].coldShare);
    expect(byId.none.cost.pings + byId.none.cost.provisioned + byId.none.cost.controller).toBe(0);
    expect(byId['static-pc'].cost.provisioned).toBeGreaterThan(byId.thermostat.cost.pings);
    const parts = byId.thermostat.cost;
    const sum =
      parts.requests +
      parts.duration +
      parts.billedInit +
      parts.provisioned +
      parts.provisionedDuration +
      parts.pings +
      parts.controller +
      parts.observation +
      parts.state +
      parts.logs;
    expect(parts.total).toBeCloseTo(sum, 12);
    // Every warmer's pings write Lambda's lines in their targets' logs; no warming writes none.
    expect(parts.logs).toBeGreaterThan(0);
    expect(byId['serverless-plugin-warmup'].cost.logs).toBeGreaterThan(0);
    expect(byId.none.cost.logs).toBe(0);
    // Only Thermostat keeps state: its table's request units are part of its cost.
    expect(parts.state).toBeGreaterThan(0);
    expect(byId['serverless-plugin-warmup'].cost.state).toBe(0);
    expect(byId.thermostat.costUsd).toBe(parts.total);
  });
});
