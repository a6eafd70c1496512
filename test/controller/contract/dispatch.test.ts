import {
  dispatchMsPerPingAt,
  ONE_VCPU_MB,
  PING_CPU_MS,
  UNSHARED_DISPATCH_MS_PER_PING,
} from '../../../controller/contract';

describe('dispatchMsPerPingAt', () => {
  it('takes a ping’s CPU time at the memory’s share of a vCPU, to a tenth of a millisecond', () => {
    expect(dispatchMsPerPingAt(ONE_VCPU_MB / 4)).toBe(4 * PING_CPU_MS);
    expect(dispatchMsPerPingAt(256)).toBeGreaterThan(dispatchMsPerPingAt(1024));
    // Not rounded up to a whole millisecond: the rounds of a tick queue behind each other, so an excess per ping
    // adds up over its pings (and holds every ping of a late round that much longer).
    for (const memoryMb of [128, 256, 512, 1024]) {
      const exact = (PING_CPU_MS * ONE_VCPU_MB) / memoryMb;
      expect(Math.abs(dispatchMsPerPingAt(memoryMb) - exact) * 200).toBeLessThanOrEqual(10);
    }
  });

  it('is no faster than one vCPU above 1,769 MB, and never under the unshared pace', () => {
    expect(dispatchMsPerPingAt(10_240)).toBe(Math.max(UNSHARED_DISPATCH_MS_PER_PING, PING_CPU_MS));
    expect(dispatchMsPerPingAt(10_240)).toBe(dispatchMsPerPingAt(ONE_VCPU_MB));
  });

  it('falls back to the unshared pace without a usable memory size', () => {
    for (const memoryMb of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(dispatchMsPerPingAt(memoryMb)).toBe(UNSHARED_DISPATCH_MS_PER_PING);
    }
  });

  it('never falls as memory falls (less CPU, slower sends)', () => {
    let previous = 0;
    for (let memoryMb = 10_240; memoryMb >= 128; memoryMb -= 64) {
      const pace = dispatchMsPerPingAt(memoryMb);
      expect(pace).toBeGreaterThanOrEqual(previous);
      previous = pace;
    }
  });
});
