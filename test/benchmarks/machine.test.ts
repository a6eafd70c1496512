import { cpus } from 'node:os';
import { describeMachine, loadPerCore } from '../../benchmarks/machine';

describe('describeMachine', () => {
  it('describes this machine at the given instant', () => {
    const machine = describeMachine(new Date('2026-11-23T10:00:00Z'));
    expect(machine.at).toBe('2026-11-23T10:00:00.000Z');
    expect(machine.cores).toBe(cpus().length);
    expect(machine.node).toBe(process.version);
    expect(machine.memoryGb).toBeGreaterThan(0);
    expect(machine.loadAverage).toHaveLength(3);
    expect(machine.platform).toContain(process.arch);
  });

  it('gives the load per core', () => {
    const machine = { ...describeMachine(), cores: 2, loadAverage: [5, 4, 3] as const };
    expect(loadPerCore(machine)).toBe(2.5);
  });
});
