/**
 * How fast the controller's pings leave: each one is serialised, signed and sent on the controller's one thread, so
 * a round's last ping leaves size × this after its first, and the shared hold must cover that. CPU-bound work, so it
 * depends on the controller's memory: Lambda gives one vCPU at 1,769 MB and CPU in proportion below.
 */

/** AWS: "At 1,769 MB, a function has the equivalent of one vCPU". */
export const ONE_VCPU_MB = 1769;

/**
 * CPU time of one ping on one vCPU: serialising, signing and sending one Invoke and reading its answer. The same SDK
 * call for every warmer; `benchmarks/init.ts` measures it as serverless-plugin-warmup's warmer's time per further ping,
 * a client doing nothing else (BENCHMARKS.md section 2); a test keeps it within what the committed run measured.
 */
export const PING_CPU_MS = 1.5;

/**
 * Without a memory size (the CLI, the emulator, tests: a machine's whole core, no CPU share) and never less: the
 * pace assumed before any measurement.
 */
export const UNSHARED_DISPATCH_MS_PER_PING = 2;

/**
 * Milliseconds per ping of the controller's dispatch at `memoryMb`: the construct sets it from the size it deploys.
 * To a tenth of a millisecond, not rounded up to a whole one: a tick's rounds queue behind each other (DispatchQueue),
 * so a per-ping excess adds up over the tick (0.6 ms a ping at 256 MB was 120 ms after 200 pings), and every ping of
 * a late round was held that much longer than its turn needed, billed at its function's memory.
 */
export function dispatchMsPerPingAt(memoryMb: number): number {
  if (!Number.isFinite(memoryMb) || memoryMb <= 0) return UNSHARED_DISPATCH_MS_PER_PING;
  const ms = PING_CPU_MS * Math.max(1, ONE_VCPU_MB / memoryMb);
  return Math.max(UNSHARED_DISPATCH_MS_PER_PING, Math.round(ms * 10) / 10);
}
