import {
  dispatchMsPerPingAt,
  ONE_VCPU_MB,
  PING_CPU_MS,
  UNSHARED_DISPATCH_MS_PER_PING,
} from '../../../controller/contract';

describe('dispatchMsPerPingAt', () => {
  it('takes a ping’s CPU time at the memory’s share of a vCPU, rounded up', () => {
    expect(dispatchMsPerPingAt(ONE_VCPU_MB / 4)).toBe(Math.ceil(4 * PING_CPU_MS));
    expect(dispatchMsPerPingAt(256)).toBeGreaterThan(dispatchMsPerPingAt(1024));
  });

  it('is no faster than one vCPU above 1,769 MB, and never under the unshared pace', () => {
    expect(dispatchMsPerPingAt(10_240)).toBe(Math.max(UNSHARED_DISPATCH_MS_PER_PING, Math.ceil(PING_CPU_MS)));
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
