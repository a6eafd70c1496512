/**
 * Section of BENCHMARKS.md for benchmarks/cost.ts: Thermostat's own monthly bill at 10 to 10,000 targets, from the
 * calls the emulator counted, beside the warming it manages.
 */
import { z } from 'zod';
import { int, ms, parseStep, type StepLike, table } from './format';

const tickSchema = z.looseObject({
  status: z.string(),
  wallMs: z.number(),
  controllerInvocations: z.number(),
  controllerBilledMs: z.number(),
  logBytes: z.number(),
  logEvents: z.number(),
  dynamoReadUnits: z.number(),
  dynamoWriteUnits: z.number(),
  dynamoRequests: z.number(),
  metricsRequested: z.number(),
  eventsPublished: z.number(),
  lambdaControlCalls: z.number(),
  pings: z.number(),
});

const lineSchema = z.looseObject({
  item: z.string(),
  quantity: z.number(),
  unit: z.string(),
  usd: z.number(),
  price: z.string(),
});

export const costSchema = z.looseObject({
  ticksPerMonth: z.number(),
  prices: z.record(z.string(), z.looseObject({ usd: z.number(), per: z.string(), source: z.string() })),
  runs: z.array(
    z.looseObject({
      targets: z.number(),
      mix: z.looseObject({ warm: z.number(), provisioned: z.number(), auto: z.number() }),
      memoryMb: z.number(),
      shardSize: z.number(),
      first: tickSchema,
      steady: tickSchema,
      steadyTicks: z.number(),
      customMetrics: z.number(),
      customMetricNames: z.array(z.string()),
    }),
  ),
  bills: z.array(
    z.looseObject({
      targets: z.number(),
      source: z.string(),
      lines: z.array(lineSchema),
      totalUsd: z.number(),
      warming: z.looseObject({ pingsUsd: z.number(), provisionedUsd: z.number(), totalUsd: z.number() }),
    }),
  ),
  notes: z.array(z.string()),
});

/** The target helper's ColdStart and WarmStart, per function by default (target/metrics.ts). */
const HELPER_METRICS_PER_FUNCTION = 2;

/** Dollars to the cent, or to a tenth of a cent below a dollar. */
function dollars(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.01) return '<$0.01';
  return value >= 100 ? `$${Math.round(value).toLocaleString('en-US')}` : `$${value.toFixed(2)}`;
}

function quantity(value: number, unit: string): string {
  if (unit.startsWith('GB') && value < 100) return `${value.toFixed(2)} ${unit}`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e8 ? 0 : 1)} M ${unit}`;
  return `${int(value)} ${unit}`;
}

export function costSection(step: StepLike | undefined): string {
  const { value, problem } = parseStep(costSchema, step);
  const parts = [
    "## 7. Thermostat's own monthly bill",
    '',
    '`benchmarks/cost.ts`: the bundled controller runs inside the emulator as the construct deploys it (memory, arm64, shards of 250, an event bus, Powertools logs and EMF metrics at their defaults, X-Ray on) against targets with a mixed policy set, under the enforced 15 requests/s quota. The emulator counts what the controller really sends: every Lambda request, DynamoDB read and write request units (as DynamoDB computes them for on-demand tables), metrics requested by GetMetricData, PutEvents entries, every log byte and REPORT line, and the custom metric series its EMF lines create. A month is the average steady tick times the ticks of a month, priced at us-east-1 list prices (`benchmarks/prices.ts`).',
    '',
  ];
  if (!value) return [...parts, `Not measured in this run: ${problem}`].join('\n');
  const bills = value.bills;
  const items = bills[0]?.lines.map((line) => line.item) ?? [];
  const header = [
    'per month',
    ...bills.map((bill) => `${int(bill.targets)} targets${bill.source === 'extrapolated' ? ' (extrapolated)' : ''}`),
  ];
  const rows = items.map((item) => [
    item,
    ...bills.map((bill) => {
      const line = bill.lines.find((l) => l.item === item);
      return line ? `${dollars(line.usd)} (${quantity(line.quantity, line.unit)})` : '–';
    }),
  ]);
  rows.push(['**Thermostat, total**', ...bills.map((bill) => `**${dollars(bill.totalUsd)}**`)]);
  rows.push([
    'Warming it manages: pings (requests and held duration)',
    ...bills.map((bill) => dollars(bill.warming.pingsUsd)),
  ]);
  rows.push([
    'Warming it manages: provisioned concurrency',
    ...bills.map((bill) => dollars(bill.warming.provisionedUsd)),
  ]);
  rows.push([
    "Target helper's ColdStart/WarmStart metrics, if left on (per function with real traffic; see below)",
    ...bills.map((bill) => dollars(bill.targets * HELPER_METRICS_PER_FUNCTION * 0.3)),
  ]);
  const mix = value.runs[0]?.mix;
  const mixText = mix
    ? `of every 10 targets, ${Math.round((mix.warm / value.runs[0]!.targets) * 10)} are kept warm with pings (the built-in policy: one environment, pinged every 5 minutes), ${Math.round((mix.provisioned / value.runs[0]!.targets) * 10)} hold provisioned concurrency (min 1) and ${Math.round((mix.auto / value.runs[0]!.targets) * 10)} are left to auto mode`
    : 'a mixed policy set';
  parts.push(
    `Policy set: ${mixText}. Controller memory ${int(value.runs[0]?.memoryMb)} MB; ${int(value.ticksPerMonth)} ticks a month.`,
    '',
    table(header, rows),
    '',
  );
  const at1000 = bills.find((bill) => bill.targets === 1000);
  if (at1000) {
    const top = [...at1000.lines].sort((a, b) => b.usd - a.usd).slice(0, 3);
    parts.push(
      `At 1,000 targets Thermostat costs **${dollars(at1000.totalUsd)} a month**${at1000.totalUsd < 20 ? ' (the goal is under $20)' : ' — **over the $20 goal**'}; the largest items are ${top.map((line) => `${line.item.toLowerCase()} (${dollars(line.usd)})`).join(', ')}. The warming it manages costs ${dollars(at1000.warming.totalUsd)}.`,
      '',
    );
  }
  parts.push(
    'Counted per tick (the first tick, then the average steady tick):',
    '',
    table(
      [
        'targets',
        'tick',
        'wall time',
        'controller invocations',
        'billed controller time',
        'DynamoDB requests',
        'read units',
        'write units',
        'metrics requested',
        'events',
        'log lines',
        'log bytes',
        'control-plane calls',
        'pings',
      ],
      value.runs.flatMap((run) =>
        (
          [
            ['first', run.first],
            [`steady (${run.steadyTicks})`, run.steady],
          ] as const
        ).map(([label, tick]) => [
          int(run.targets),
          label,
          ms(tick.wallMs),
          tick.controllerInvocations.toFixed(1),
          ms(tick.controllerBilledMs),
          int(tick.dynamoRequests),
          tick.dynamoReadUnits.toFixed(1),
          tick.dynamoWriteUnits.toFixed(1),
          int(tick.metricsRequested),
          tick.eventsPublished.toFixed(1),
          int(tick.logEvents),
          int(tick.logBytes),
          int(tick.lambdaControlCalls),
          tick.pings.toFixed(1),
        ]),
      ),
    ),
    '',
    `Custom metrics: ${value.runs.map((run) => `${int(run.targets)} targets → ${int(run.customMetrics)}`).join(', ')} (${value.runs[0]?.customMetricNames.join(', ')}): totals only, the same number at any size; per-target metrics exist only for targets given \`detailedMetrics: true\`, ${HELPER_METRICS_PER_FUNCTION * 4} each.`,
    '',
    "- The target helper (in the user's functions, not the controller) records `ColdStart` and `WarmStart` for real invocations per function by default, so a month with traffic adds two custom metrics per function ($0.60): the last row. The run above has no real traffic, so it counts none. `withThermostat(handler, { metrics: false })` turns them off; REPORT lines still show each function's cold starts (`@initDuration`, pings included) in Logs Insights.",
    ...value.notes.map((note) => `- ${note}`),
    "- Whole ticks (up to 250 targets) read every target item in the steady ticks above (two read units for the ledger and the marks, and half a unit per target): the run's ticks all fall in the 16 minutes after the controller's environment took the writer mark over, during which it does not yet trust the items it remembers (`controller/state/remembered-items.ts`). An environment that lives on then reads only the items it has not seen, and every item hourly, so for whole ticks the month's DynamoDB reads above are an upper bound: at 100 targets a trusted tick reads two units, and the hourly read 50. Sharded ticks remember nothing between ticks and read their due targets every tick, as counted.",
    '',
    'Prices (us-east-1):',
    '',
    table(
      ['item', 'price', 'source'],
      Object.values(value.prices).map((price) => [
        price.per,
        price.usd >= 0.01 ? `$${price.usd}` : `$${(price.usd * 1e6).toPrecision(4)} per million`,
        price.source,
      ]),
    ),
  );
  return parts.join('\n').trimEnd();
}
