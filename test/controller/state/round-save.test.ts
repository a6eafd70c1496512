import { EMPTY_TRAFFIC, type TrafficHistory } from '../../../controller/plan';
import { roundSave, TRAFFIC_SAVE_EVERY_MS } from '../../../controller/state';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const traffic = (at: number, load: number, lastRealAt = T0 - 1_000): TrafficHistory => ({
  ...EMPTY_TRAFFIC,
  at,
  load,
  lastRealAt,
});
const stored = {
  lastWanted: 2,
  lastProven: 2,
  traffic: traffic(T0, 0.1),
  trafficSaved: { at: T0, lastRealAt: T0 - 1_000, predictsIdle: false },
};
const round = (over: { probe?: boolean; wanted?: number; proven?: number; traffic?: TrafficHistory } = {}) => ({
  probe: false,
  wanted: 2,
  proven: 2,
  traffic: traffic(T0 + 300_000, 0.1),
  ...over,
});
const soon = { memory: true, now: T0 + 300_000, otherChange: false };

describe('roundSave', () => {
  it('sends a round that proved what the last one did to the ledger, whatever the time of its traffic', () => {
    expect(roundSave(round(), stored, soon)).toBe('ledger');
    expect(roundSave(round(), stored, { ...soon, memory: false })).toBe('ledger');
  });

  it('keeps a changed traffic history in memory while the stored copy is recent, and saves it once due', () => {
    const changed = round({ traffic: traffic(T0 + 300_000, 0.4, T0 + 200_000) });
    expect(roundSave(changed, stored, soon)).toBe('ledger');
    expect(roundSave(changed, stored, { ...soon, now: T0 + TRAFFIC_SAVE_EVERY_MS })).toBe('item');
    // no memory to keep it in (the CLI's one-tick runs): saved at once
    expect(roundSave(changed, stored, { ...soon, memory: false })).toBe('item');
  });

  it('leaves a probe with nothing to write while its traffic can wait, and saves it otherwise', () => {
    const probe = round({ probe: true, traffic: traffic(T0 + 300_000, 0.4, T0 + 290_000) });
    expect(roundSave(probe, stored, soon)).toBe('memory');
    expect(roundSave(probe, stored, { ...soon, now: T0 + TRAFFIC_SAVE_EVERY_MS })).toBe('item');
  });

  it('never rewrites a traffic history that saw no real request since the stored copy, however old that is', () => {
    // a sparse function: its rates and load fell since (nothing came), which a cold controller sees by the last request
    const quiet = round({ traffic: traffic(T0 + 3 * TRAFFIC_SAVE_EVERY_MS, 0.02) });
    const late = { ...soon, now: T0 + 3 * TRAFFIC_SAVE_EVERY_MS };
    expect(roundSave(quiet, stored, late)).toBe('ledger');
    expect(roundSave({ ...quiet, probe: true }, stored, late)).toBe('memory');
    // one request since, and the hour is up: saved
    const heard = round({ traffic: traffic(T0 + 3 * TRAFFIC_SAVE_EVERY_MS, 0.02, T0 + 2 * TRAFFIC_SAVE_EVERY_MS) });
    expect(roundSave(heard, stored, late)).toBe('item');
    // nothing stored yet: saved whatever it saw
    expect(roundSave(quiet, { ...stored, trafficSaved: undefined }, late)).toBe('item');
  });

  it("saves a history whose idle times just came to predict a sparse function's next request, at once", () => {
    const timer = (idleMinutes: readonly number[]) =>
      round({
        traffic: { ...traffic(T0 + 300_000, 0.01, T0 + 200_000), idleTimes: idleMinutes.map((m) => m * 60_000) },
      });
    const window = { ...soon, keepAliveMs: 300_000 };
    // the third half-hourly gap turns keeping alive into pre-warming: a cold controller must plan the same
    expect(roundSave(timer([30, 30, 30]), stored, window)).toBe('item');
    expect(
      roundSave(
        timer([30, 30, 30]),
        { ...stored, trafficSaved: { ...stored.trafficSaved, predictsIdle: true } },
        window,
      ),
    ).toBe('ledger');
    // two gaps predict nothing yet, and an 8-minute timer is kept alive either way: the hourly save is enough
    expect(roundSave(timer([30, 30]), stored, window)).toBe('ledger');
    expect(roundSave(timer([8, 8, 8]), stored, window)).toBe('ledger');
    // without a policy's window (an orphan's round), only the hourly rule
    expect(roundSave(timer([30, 30, 30]), stored, soon)).toBe('ledger');
  });

  it('saves the item for a first round not kept between ticks, another round size or proof, and any other change', () => {
    expect(roundSave(round(), undefined, soon)).toBe('item');
    expect(roundSave(round({ wanted: 3 }), stored, soon)).toBe('item');
    expect(roundSave(round({ proven: 1 }), stored, soon)).toBe('item');
    expect(roundSave(round(), stored, { ...soon, otherChange: true })).toBe('item');
    // a stored copy that never had a history saves the first one
    expect(roundSave(round(), { lastWanted: 2, lastProven: 2 }, soon)).toBe('item');
  });

  it('keeps the one-environment rounds of a target no item holds out of an item until what they taught is due', () => {
    const one = (over: Parameters<typeof round>[0] = {}) => round({ wanted: 1, proven: 1, ...over });
    const kept = { ...soon, keepAliveMs: 300_000, unsavedSince: T0 };
    // an instant of history: its time goes to the ledger (a probe's to nothing), its history stays in memory
    expect(roundSave(one(), undefined, kept)).toBe('ledger');
    expect(roundSave(one({ probe: true }), undefined, kept)).toBe('memory');
    // an hour after the environment began keeping it, with real requests heard: the item
    const hour = T0 + TRAFFIC_SAVE_EVERY_MS;
    expect(roundSave(one({ traffic: traffic(hour, 0.1) }), undefined, { ...kept, now: hour })).toBe('item');
    // no real request heard, however long: nothing a cold controller would plan differently by
    const silent = { ...traffic(hour, 0), lastRealAt: undefined };
    expect(roundSave(one({ traffic: silent }), undefined, { ...kept, now: hour * 2 })).toBe('ledger');
    expect(roundSave(one({ traffic: undefined }), undefined, { ...kept, now: hour * 2 })).toBe('ledger');
    // idle times that came to predict the next request, more than one environment, any other change: at once
    const timer = { ...traffic(T0 + 300_000, 0.01), idleTimes: [30, 30, 30].map((m) => m * 60_000) };
    expect(roundSave(one({ traffic: timer }), undefined, kept)).toBe('item');
    expect(roundSave(round(), undefined, kept)).toBe('item');
    expect(roundSave(one(), undefined, { ...kept, otherChange: true })).toBe('item');
    // not kept between ticks (a shard, no memory): at once
    expect(roundSave(one(), undefined, soon)).toBe('item');
  });

  it('saves what a first round heard where an earlier environment pinged the target and forgot its history', () => {
    const one = (over: Parameters<typeof round>[0] = {}) => round({ wanted: 1, proven: 1, ...over });
    const kept = { ...soon, keepAliveMs: 300_000, unsavedSince: T0 + 300_000 };
    // a new environment, and the ledger knows an earlier round: the environment that learned from it is gone
    const forgot = { ...kept, livesOn: false, pingedBefore: true };
    expect(roundSave(one(), undefined, forgot)).toBe('item');
    // so a probe's too: its history would go with this environment as well
    expect(roundSave(one({ probe: true }), undefined, forgot)).toBe('item');
    // nothing heard: nothing to lose
    const silent = { ...traffic(T0 + 300_000, 0), lastRealAt: undefined };
    expect(roundSave(one({ traffic: silent }), undefined, forgot)).toBe('ledger');
    // an account's first tick starts cold too, but nothing was pinged before it: the hour is waited for
    expect(roundSave(one(), undefined, { ...forgot, pingedBefore: false })).toBe('ledger');
    // an environment that lives from tick to tick keeps the history itself
    expect(roundSave(one(), undefined, { ...forgot, livesOn: true })).toBe('ledger');
    // a target whose item exists is judged by its stored copy, as before
    expect(roundSave(round(), stored, { ...soon, livesOn: false, pingedBefore: true })).toBe('ledger');
  });
});
