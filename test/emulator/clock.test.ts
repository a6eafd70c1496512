import { ManualClock } from '../../emulator/clock';
import { testEmulator } from './helpers';

describe('ManualClock', () => {
  it('fires due timers in order, including timers set while advancing', async () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@300'), 300);
    clock.setTimeout(() => {
      fired.push('a@100');
      clock.setTimeout(() => fired.push('c@150'), 50);
    }, 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 200);
    clock.clearTimeout(cancelled);
    await clock.advance(299);
    expect(fired).toEqual(['a@100', 'c@150']);
    expect(clock.now()).toBe(1_299);
    await clock.advance(1);
    expect(fired).toEqual(['a@100', 'c@150', 'b@300']);
    expect(clock.pending()).toBe(0);
  });

  it('shows the due time to each callback', async () => {
    const clock = new ManualClock(0);
    let seen = -1;
    clock.setTimeout(() => {
      seen = clock.now();
    }, 40);
    await clock.advance(100);
    expect(seen).toBe(40);
    expect(clock.now()).toBe(100);
  });
});

describe('Emulator.advance', () => {
  it('moves a manual clock and refuses a real one', async () => {
    const clock = new ManualClock(0);
    const manual = await testEmulator({ clock });
    const real = await testEmulator();
    try {
      await manual.advance(5_000);
      expect(manual.clock.now()).toBe(5_000);
      expect(() => real.advance(1)).toThrow('advance() needs a manual clock');
    } finally {
      await Promise.all([manual.stop(), real.stop()]);
    }
  });
});
