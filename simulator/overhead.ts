/**
 * Warming overhead: a strategy's cost minus the cost of no warming on the same trace. The functions' own work is
 * the same for every strategy and most of every total, so totals hide a doubled warming bill (every warmer would
 * read ×1.00); warming is compared by what it adds. Used by the simulation report, the grid and the benchmark.
 */

/** Each result's overhead, in the order given, or undefined when no result is the `none` strategy's. */
export function warmingOverheads(
  results: ReadonlyArray<{ readonly strategy: string; readonly costUsd: number }>,
): number[] | undefined {
  const none = results.find((result) => result.strategy === 'none');
  return none && results.map((result) => result.costUsd - none.costUsd);
}

/**
 * A strategy's warming overhead by item, from its cost breakdown and no warming's: pings (their requests and time),
 * the INIT billed beyond no warming's, provisioned concurrency (with the duration it saves), the controller's (or
 * warmer's) own invocations, the metrics it bought, its state table and the log lines warming writes; items under half a microdollar left out.
 */
export function overheadItems(
  cost: Readonly<Record<string, number>>,
  none: Readonly<Record<string, number>>,
): Array<readonly [string, number]> {
  const items: Array<readonly [string, number]> = [
    ['pings', cost.pings ?? 0],
    ['INIT beyond no warming', (cost.billedInit ?? 0) - (none.billedInit ?? 0)],
    [
      'provisioned concurrency',
      (cost.provisioned ?? 0) + (cost.provisionedDuration ?? 0) + (cost.duration ?? 0) - (none.duration ?? 0),
    ],
    ['own invocations', cost.controller ?? 0],
    ['metrics read', cost.observation ?? 0],
    ['state table', cost.state ?? 0],
    ['logs', cost.logs ?? 0],
  ];
  return items.filter(([, value]) => Math.abs(value) >= 5e-7);
}
