/**
 * What the numbers were measured on. Benchmarks on a shared 2-core machine are noisy, so the load average at the
 * start (and at the end) is part of every result: a reader can tell a slow machine from a slow program.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15-minute load averages when the description was taken. */
  readonly loadAverage: readonly [number, number, number];
  /** ISO time the description was taken. */
  readonly at: string;
}

const twoDigits = (value: number) => Math.round(value * 100) / 100;

export function describeMachine(now: Date = new Date()): Machine {
  const cores = cpus();
  const [one, five, fifteen] = loadavg();
  return {
    cpu: cores[0]?.model.trim() || 'unknown',
    cores: cores.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch} (kernel ${release()})`,
    loadAverage: [twoDigits(one ?? 0), twoDigits(five ?? 0), twoDigits(fifteen ?? 0)],
    at: now.toISOString(),
  };
}

/** The load average per core, the figure that says whether other work competed for the CPU. */
export function loadPerCore(machine: Machine): number {
  return twoDigits(machine.loadAverage[0] / Math.max(1, machine.cores));
}
