import { createHash } from 'node:crypto';
import { EMPTY_TRAFFIC, type TrafficHistory } from '../../../controller/plan';
import {
  EAGER_TAKEOVER_TARGETS,
  LEDGER_HOLD_MS,
  LONGEST_RUN_MS,
  TRAFFIC_SAVE_EVERY_MS,
} from '../../../controller/state';
import { type BilledTarget, StateBill } from '../../../simulator/strategies/state-bill';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const tickId = (at: number) => new Date(at).toISOString();
/** A history whose last real request came just before `at`: each one has heard a request the last had not. */
const traffic = (at: number, load: number): TrafficHistory => ({ ...EMPTY_TRAFFIC, at, load, lastRealAt: at - 1_000 });
const target = (over: Partial<BilledTarget> = {}): BilledTarget => ({
  key: 'a:live',
  memoryMb: 1024,
  architecture: 'arm64',
  keepAliveMs: 300_000,
  lastWanted: 1,
  lastProven: 1,
  ...over,
});

/** One tick of one target's round: the units and round trips the bill charges for it. */
function tickWith(bill: StateBill, at: number, round: (id: string) => void, warm = true) {
  bill.startTick(['a:live'], at, { warm, whole: true });
  round(tickId(at));
  return bill.finishTick(tickId(at), at);
}

describe('StateBill', () => {
  it('bills as the controller writes: no item until it is due, a repeat goes to the ledger, a change saves again', () => {
    const bill = new StateBill();
    const first = tickWith(bill, T0, (id) =>
      bill.round(target({ traffic: traffic(T0, 0.1) }), { at: T0, wanted: 1, proven: 1, probe: false }, id),
    );
    // the claim (no write marks the tick done) and the ledger with the round's time, written by a new environment:
    // no item for a one-environment round of a history begun an instant ago; its missing item and two small items
    // (the ledger and the marks) read
    expect(first.units).toEqual({ reads: 2.5, writes: 2 });
    expect(first.roundTrips).toBe(3);

    const hour = T0 + TRAFFIC_SAVE_EVERY_MS;
    const due = tickWith(bill, hour, (id) =>
      bill.round(target({ traffic: traffic(hour, 0.1) }), { at: hour, wanted: 1, proven: 1, probe: false }, id),
    );
    // an hour of history that heard requests: the claim, the writer mark taken over, the item (well under 1 KB); the
    // ledger, which loses the entry the item now holds, is held by the environment that ran the tick before
    expect(due.units.writes).toBe(3);
    expect(due.roundTrips).toBe(3);
    expect(bill.storedTraffic('a:live')?.at).toBe(hour);

    const at = hour + 300_000;
    const repeat = tickWith(bill, at, (id) =>
      bill.round(target({ traffic: traffic(at, 0.1) }), { at, wanted: 1, proven: 1, probe: false }, id),
    );
    // the claim alone: the round's time goes to the held ledger instead of the item (only the traffic's time changed)
    expect(repeat.units.writes).toBe(1);
    expect(repeat.roundTrips).toBe(2);

    const later = hour + 600_000;
    const grown = tickWith(bill, later, (id) =>
      bill.round(target({ lastWanted: 2, lastProven: 2 }), { at: later, wanted: 2, proven: 2, probe: false }, id),
    );
    // another round size is a save (the claim, the item), and the held ledger loses the entry the item now holds
    expect(grown.units.writes).toBe(2);
    expect(grown.roundTrips).toBe(3);
    const next = hour + 900_000;
    const again = tickWith(bill, next, (id) =>
      bill.round(target({ lastWanted: 2, lastProven: 2 }), { at: next, wanted: 2, proven: 2, probe: false }, id),
    );
    // the same round again: its time in the held ledger
    expect(again.units.writes).toBe(1);
    // an hour after the environment began holding it, the ledger is written
    const written = hour + LEDGER_HOLD_MS;
    const flushed = tickWith(bill, written, (id) =>
      bill.round(target({ lastWanted: 2, lastProven: 2 }), { at: written, wanted: 2, proven: 2, probe: false }, id),
    );
    expect(flushed.units.writes).toBe(2);
    expect(flushed.roundTrips).toBe(3);
  });

  it('loses, starting cold, the rounds its last environment held unwritten: their targets are due from the table', () => {
    const bill = new StateBill();
    const round = (at: number, warm = true) =>
      tickWith(
        bill,
        at,
        (id) =>
          bill.round(
            target({ traffic: traffic(at, 0.1), lastPingAt: at }),
            { at, wanted: 1, proven: 1, probe: false },
            id,
          ),
        warm,
      );
    round(T0);
    expect(bill.storedRounds('a:live')).toEqual({ ledger: T0 });
    round(T0 + 60_000);
    round(T0 + 120_000);
    // held, not written: the table still says T0
    expect(bill.storedRounds('a:live')).toEqual({ ledger: T0 });
    // a controller starting cold plans from T0; its round heard real requests that the environment which ran the last
    // rounds took with it, and this one may as well: the claim, the writer mark, the item, and the ledger without the
    // target (its item holds the round now)
    expect(round(T0 + 30 * 60_000, false).units.writes).toBe(4);
    expect(bill.storedRounds('a:live')).toEqual({ item: T0 + 30 * 60_000 });
    expect(bill.storedTraffic('a:live')?.at).toBe(T0 + 30 * 60_000);
  });

  it('loses, starting cold, the held rounds of a target no request reached: only their time goes to the ledger', () => {
    const bill = new StateBill();
    const silent = (at: number): TrafficHistory => ({ ...EMPTY_TRAFFIC, at, load: 0 });
    const round = (at: number, warm = true) =>
      tickWith(
        bill,
        at,
        (id) =>
          bill.round(target({ traffic: silent(at), lastPingAt: at }), { at, wanted: 1, proven: 1, probe: false }, id),
        warm,
      );
    round(T0);
    round(T0 + 60_000);
    expect(bill.storedRounds('a:live')).toEqual({ ledger: T0 });
    // nothing heard, nothing to lose: the claim and the ledger a new environment writes
    expect(round(T0 + 30 * 60_000, false).units.writes).toBe(2);
    expect(bill.storedRounds('a:live')).toEqual({ ledger: T0 + 30 * 60_000 });
  });

  it('writes the item of a target no item holds at once for more than one environment, or in a shard', () => {
    const bill = new StateBill();
    const two = tickWith(bill, T0, (id) =>
      bill.round(target({ lastWanted: 2, lastProven: 2 }), { at: T0, wanted: 2, proven: 2, probe: false }, id),
    );
    // the claim, the writer mark, the item
    expect(two.units.writes).toBe(3);
    const sharded = new StateBill();
    sharded.startTick(['a:live'], T0, { warm: true, whole: false });
    sharded.round(target({ traffic: traffic(T0, 0.1) }), { at: T0, wanted: 1, proven: 1, probe: false }, tickId(T0));
    // a shard may run in any environment, whose memory cannot hold the history: the claim, the shared mark, the item
    expect(sharded.finishTick(tickId(T0), T0).units.writes).toBe(3);
    expect(sharded.storedTraffic('a:live')?.at).toBe(T0);
  });

  it('starting cold where an earlier environment pinged a target no item holds, saves what it heard at once', () => {
    const bill = new StateBill();
    const round = (at: number, warm: boolean) =>
      tickWith(
        bill,
        at,
        (id) => bill.round(target({ traffic: traffic(at, 0.1) }), { at, wanted: 1, proven: 1, probe: false }, id),
        warm,
      );
    // an account's first tick starts cold too, but nothing was pinged before it: the claim and the ledger
    expect(round(T0, false).units.writes).toBe(2);
    expect(bill.storedTraffic('a:live')).toBeUndefined();
    // in the same environment, the hour is waited for: the claim (the round's time in the ledger it holds)
    expect(round(T0 + 300_000, true).units.writes).toBe(1);
    expect(bill.storedTraffic('a:live')).toBeUndefined();
    // a controller starting cold half an hour on: the claim, the writer mark, the item, the ledger without it
    expect(round(T0 + TRAFFIC_SAVE_EVERY_MS / 2, false).units.writes).toBe(4);
    expect(bill.storedTraffic('a:live')?.at).toBe(T0 + TRAFFIC_SAVE_EVERY_MS / 2);
  });

  it('keeps a traffic-only change (a round or a probe) unsaved until the stored copy is an hour old', () => {
    const bill = new StateBill();
    tickWith(bill, T0, (id) =>
      bill.round(target({ traffic: traffic(T0, 0.1) }), { at: T0, wanted: 1, proven: 1, probe: false }, id),
    );
    const soon = T0 + 300_000;
    const probe = tickWith(bill, soon, (id) =>
      bill.round(target({ traffic: traffic(soon, 0.4) }), { at: soon, wanted: 1, proven: 1, probe: true }, id),
    );
    // nothing but the claim
    expect(probe.units.writes).toBe(1);
    expect(probe.roundTrips).toBe(2);

    const due = T0 + TRAFFIC_SAVE_EVERY_MS;
    const saved = tickWith(bill, due, (id) =>
      bill.round(target({ traffic: traffic(due, 0.5) }), { at: due, wanted: 1, proven: 1, probe: false }, id),
    );
    // the first item, an hour after the history began: the claim, the writer mark, the item (the ledger it leaves is
    // held by the environment that ran the tick before)
    expect(saved.units.writes).toBe(3);
    expect(bill.storedTraffic('a:live')?.load).toBe(0.5);
    // a history that heard no request since the stored copy is not saved, however old that copy gets
    const later = due + 3 * TRAFFIC_SAVE_EVERY_MS;
    const silent = { ...traffic(later, 0.05), lastRealAt: due - 1_000 };
    const quiet = tickWith(bill, later, (id) =>
      bill.round(target({ traffic: silent }), { at: later, wanted: 1, proven: 1, probe: false }, id),
    );
    // (the claim, and the ledger held for three hours now, written)
    expect(quiet.units.writes).toBe(2);
    expect(bill.storedTraffic('a:live')?.load).toBe(0.5);
  });

  it('bills a provisioned-concurrency change its intent writes and the save, and a larger item more units', () => {
    const bill = new StateBill();
    const change = tickWith(bill, T0, (id) => bill.ownershipChange(target(), id));
    expect(change.units.writes).toBe(1 + 1 + 4 + 1);

    // Environment ids as random as Lambda's: the item is deflated, so only what does not compress counts.
    const environments = Array.from({ length: 150 }, (_, i) => ({
      envId: `2026/11/23/[$LATEST]${createHash('sha256').update(String(i)).digest('hex').slice(0, 32)}`,
      initAt: T0 - i,
      ratePerMinute: 1,
      lastRealAt: T0,
      realServed: i,
    }));
    const big = tickWith(bill, T0 + 60_000, (id) =>
      bill.trafficRead(target({ traffic: { ...traffic(T0, 1), environments } }), id),
    );
    expect(big.units.writes).toBeGreaterThan(1 + 2);
    // the next tick reads the big item eventually consistent: more than the half unit of one under 4 KB
    bill.startTick(['a:live'], T0 + 120_000, { warm: true, whole: true });
    expect(bill.finishTick(tickId(T0 + 120_000), T0 + 120_000).units.reads).toBeGreaterThan(2 + 0.5);
    // a further shard of a tick claims and reads its ledger
    expect(bill.shardInvocation()).toEqual({ reads: 2, writes: 1 });
  });

  it("reads no target item once the controller's environment is trusted, every one after it starts cold", () => {
    const bill = new StateBill();
    const nothing = () => undefined;
    const pinged = (id: string) =>
      bill.round(
        target({ lastWanted: 2, lastProven: 2 }),
        { at: Date.parse(id), wanted: 2, proven: 2, probe: false },
        id,
      );
    expect(tickWith(bill, T0, pinged).units).toEqual({ reads: 2 + 0.5, writes: 1 + 1 + 1 });
    // within a run's longest time of the takeover, and the first read after it
    expect(tickWith(bill, T0 + 60_000, nothing).units.reads).toBe(2 + 0.5);
    expect(tickWith(bill, T0 + LONGEST_RUN_MS + 60_000, nothing).units.reads).toBe(2 + 0.5);
    expect(tickWith(bill, T0 + LONGEST_RUN_MS + 120_000, nothing).units).toEqual({ reads: 2, writes: 1 });
    // a cold environment reads every item (and takes the mark over only before its first save: one target)
    expect(tickWith(bill, T0 + LONGEST_RUN_MS + 180_000, nothing, false).units).toEqual({ reads: 2 + 0.5, writes: 1 });
    // a tick split into shards reads every item and marks the table shared before its first save
    bill.startTick(['a:live'], T0 + LONGEST_RUN_MS + 240_000, { warm: true, whole: false });
    bill.ownershipChange(target(), tickId(T0 + LONGEST_RUN_MS + 240_000));
    expect(bill.finishTick(tickId(T0 + LONGEST_RUN_MS + 240_000), 0).units).toEqual({
      reads: 2 + 0.5,
      writes: 1 + 1 + 4 + 1,
    });
  });

  it('takes the mark over while reading, without a save, only with enough targets and in an environment that lived', () => {
    const bill = new StateBill();
    const keys = Array.from({ length: EAGER_TAKEOVER_TARGETS }, (_, i) => `f${i}:live`);
    const tick = (at: number, warm: boolean) => {
      bill.startTick(keys, at, { warm, whole: true });
      return bill.finishTick(tickId(at), at).units;
    };
    // first tick of an environment: no takeover; its second: the mark's write, and later no item read
    expect(tick(T0, false).writes).toBe(1);
    expect(tick(T0 + 60_000, true).writes).toBe(2);
    expect(tick(T0 + 60_000 + LONGEST_RUN_MS, true)).toEqual({ reads: 2 + keys.length / 2, writes: 1 });
    expect(tick(T0 + 120_000 + LONGEST_RUN_MS, true)).toEqual({ reads: 2, writes: 1 });
    // too few targets: never without a save
    const few = new StateBill();
    for (const at of [T0, T0 + 60_000, T0 + 120_000]) {
      few.startTick(keys.slice(1), at, { warm: true, whole: true });
      expect(few.finishTick(tickId(at), at).units.writes).toBe(1);
    }
  });
});
