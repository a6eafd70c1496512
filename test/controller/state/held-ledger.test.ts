import fc from 'fast-check';
import { holdsLedger, LEDGER_HOLD_MS, withHeld } from '../../../controller/state/held-ledger';
import type { PingLedger } from '../../../controller/state/ping-ledger';

const T1 = '2026-11-23T10:01:00Z';
const T2 = '2026-11-23T10:02:00Z';
const ledger = (tickId: string, pings: Array<[string, number]>, quiet?: PingLedger['quiet']): PingLedger => ({
  tickId,
  pings: new Map(pings),
  ...(quiet ? { quiet } : {}),
});

describe('holdsLedger', () => {
  const now = Date.parse(T2);

  it('holds only a whole tick in an environment that ran a tick before', () => {
    expect(holdsLedger({ whole: true, ranBefore: true, heldSince: undefined, now })).toBe(true);
    expect(holdsLedger({ whole: true, ranBefore: false, heldSince: undefined, now })).toBe(false);
    expect(holdsLedger({ whole: false, ranBefore: true, heldSince: undefined, now })).toBe(false);
  });

  it('writes once what it holds has gone unwritten for LEDGER_HOLD_MS', () => {
    const tick = (heldFor: number) => holdsLedger({ whole: true, ranBefore: true, heldSince: now - heldFor, now });
    expect(tick(0)).toBe(true);
    expect(tick(LEDGER_HOLD_MS - 1)).toBe(true);
    expect(tick(LEDGER_HOLD_MS)).toBe(false);
    expect(tick(3 * LEDGER_HOLD_MS)).toBe(false);
  });
});

describe('withHeld', () => {
  it('is the table’s copy when nothing is held, and the held one (marked) when the table has none', () => {
    const stored = ledger(T1, [['AAAAAAAA', 1_000]]);
    expect(withHeld(stored, undefined)).toBe(stored);
    expect(withHeld(undefined, undefined)).toBeUndefined();
    expect(withHeld(undefined, stored)).toEqual({ ...stored, held: true });
  });

  it('gives each target the later round time, and the quiet times and tick of the newer ledger', () => {
    const quiet = new Map([['CCCCCCCC', { until: 9_000, policy: 'abcdef' }]]);
    const stored = ledger(
      T2,
      [
        ['AAAAAAAA', 5_000],
        ['BBBBBBBB', 2_000],
      ],
      quiet,
    );
    const held = ledger(T1, [
      ['AAAAAAAA', 3_000],
      ['BBBBBBBB', 4_000],
      ['DDDDDDDD', 1_000],
    ]);
    expect(withHeld(stored, held)).toEqual({
      tickId: T2,
      pings: new Map([
        ['AAAAAAAA', 5_000],
        ['BBBBBBBB', 4_000],
        ['DDDDDDDD', 1_000],
      ]),
      quiet,
      held: true,
    });
  });

  it('never moves a round time back, and keeps every target either copy names', () => {
    const entries = fc.array(fc.tuple(fc.constantFrom('AAAAAAAA', 'BBBBBBBB', 'CCCCCCCC'), fc.nat(1e9)), {
      maxLength: 5,
    });
    fc.assert(
      fc.property(entries, entries, fc.boolean(), (a, b, heldNewer) => {
        const stored = ledger(heldNewer ? T1 : T2, a);
        const held = ledger(heldNewer ? T2 : T1, b);
        const merged = withHeld(stored, held)!;
        expect(merged.held).toBe(true);
        expect(merged.tickId).toBe(T2);
        for (const source of [stored.pings, held.pings])
          for (const [hash, at] of source) expect(merged.pings.get(hash)).toBeGreaterThanOrEqual(at);
        expect(merged.pings.size).toBe(new Set([...stored.pings.keys(), ...held.pings.keys()]).size);
      }),
    );
  });
});
