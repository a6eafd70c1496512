import { EMPTY_TRAFFIC, type TrafficHistory } from '../../../controller/plan';
import { type TargetState, TRAFFIC_SAVE_EVERY_MS, TrafficMemory, trafficSaveDue } from '../../../controller/state';

const history = (at: number, load: number): TrafficHistory => ({ ...EMPTY_TRAFFIC, at, load });
const state = (key: string, traffic?: TrafficHistory): TargetState => ({
  key,
  history: [],
  ...(traffic ? { traffic } : {}),
});

describe('TrafficMemory', () => {
  it('plans with a remembered history newer than the stored one, and keeps the stored time for the next save', () => {
    const memory = new TrafficMemory();
    memory.remember('a', history(2_000, 0.5));
    memory.remember('b', history(1_000, 0.9));
    const states = new Map([
      ['a', state('a', history(1_000, 0.1))],
      // b's stored copy is newer (another environment saved it): the remembered one is dropped, never used
      ['b', state('b', history(3_000, 0.2))],
      ['c', state('c')],
    ]);
    memory.merge(states);
    expect(states.get('a')).toMatchObject({ traffic: { at: 2_000, load: 0.5 }, trafficSaved: { at: 1_000 } });
    expect(states.get('b')).toMatchObject({ traffic: { at: 3_000, load: 0.2 }, trafficSaved: { at: 3_000 } });
    expect(states.get('c')?.traffic).toBeUndefined();
    expect(states.get('c')?.trafficSaved).toBeUndefined();

    // The older copy of b is gone: even a stored copy older than it later does not bring it back.
    const again = new Map([['b', state('b', history(500, 0.3))]]);
    memory.merge(again);
    expect(again.get('b')?.traffic?.load).toBe(0.3);
  });

  it('gives a target no item holds a state of its remembered history, and keeps when it began keeping it', () => {
    const memory = new TrafficMemory();
    memory.remember('new', history(2_000, 0.5), 1_000);
    // a later round does not move the start
    memory.remember('new', history(3_000, 0.6), 2_000);
    expect(memory.unsavedSince('new', 9_000)).toBe(1_000);
    expect(memory.unsavedSince('other', 9_000)).toBe(9_000);
    const states = new Map<string, TargetState>();
    memory.merge(states, ['new', 'other']);
    expect([...states.values()]).toEqual([{ key: 'new', history: [], unsaved: true, traffic: history(3_000, 0.6) }]);
    // once an item holds it (saved here, or by another environment), the start is forgotten
    memory.merge(new Map([['new', state('new', history(4_000, 0.1))]]), ['new']);
    expect(memory.unsavedSince('new', 9_000)).toBe(9_000);
    memory.remember('again', history(2_000, 0.5), 1_000);
    memory.forget('again');
    expect(memory.unsavedSince('again', 9_000)).toBe(9_000);
  });

  it('forgets a history once it is saved', () => {
    const memory = new TrafficMemory();
    memory.remember('a', history(2_000, 0.5));
    memory.forget('a');
    const states = new Map([['a', state('a', history(1_000, 0.1))]]);
    memory.merge(states);
    expect(states.get('a')?.traffic?.load).toBe(0.1);
  });

  it('says a save is due when nothing is stored or the stored copy is TRAFFIC_SAVE_EVERY_MS old', () => {
    expect(trafficSaveDue(undefined, 0)).toBe(true);
    expect(trafficSaveDue(0, TRAFFIC_SAVE_EVERY_MS - 1)).toBe(false);
    expect(trafficSaveDue(0, TRAFFIC_SAVE_EVERY_MS)).toBe(true);
    // and the history heard a real request the stored copy did not
    expect(trafficSaveDue(0, TRAFFIC_SAVE_EVERY_MS, { history: 500, saved: 100 })).toBe(true);
    expect(trafficSaveDue(0, 10 * TRAFFIC_SAVE_EVERY_MS, { history: 100, saved: 100 })).toBe(false);
    expect(trafficSaveDue(0, 10 * TRAFFIC_SAVE_EVERY_MS, { history: undefined, saved: undefined })).toBe(false);
    expect(trafficSaveDue(undefined, 0, { history: 100, saved: 100 })).toBe(true);
  });

  it("keeps the stored copy's last real request beside its time for the save rule", () => {
    const memory = new TrafficMemory();
    memory.remember('a', { ...history(2_000, 0.5), lastRealAt: 1_900 });
    const states = new Map([['a', state('a', { ...history(1_000, 0.1), lastRealAt: 900 })]]);
    memory.merge(states);
    expect(states.get('a')).toMatchObject({
      traffic: { lastRealAt: 1_900 },
      trafficSaved: { at: 1_000, lastRealAt: 900, predictsIdle: false },
    });
  });

  it('keeps whether the stored copy predicted the next request, not whether the newer one in memory does', () => {
    const memory = new TrafficMemory();
    const hourly = [3_600_000, 3_600_000, 3_600_000];
    memory.remember('a', { ...history(2_000, 0.5), idleTimes: hourly });
    memory.remember('b', { ...history(1_000, 0.5), idleTimes: [] });
    const states = new Map([
      ['a', state('a', { ...history(1_000, 0.1), idleTimes: hourly.slice(1) })],
      ['b', state('b', { ...history(3_000, 0.1), idleTimes: hourly })],
    ]);
    memory.merge(states);
    expect(states.get('a')).toMatchObject({ traffic: { idleTimes: hourly }, trafficSaved: { predictsIdle: false } });
    expect(states.get('b')).toMatchObject({ traffic: { idleTimes: hourly }, trafficSaved: { predictsIdle: true } });
  });
});
