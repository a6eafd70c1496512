import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/main';
import { loadTrace } from '../../simulator/traces/load';
import { memoryIo } from '../helpers/io';

/** The shared real traces sit next to the repository (../shared/traces from its root), locally and in CI. */
const SAMPLE = resolve(__dirname, '../../../shared/traces/azure2019_invitro_sample100');
const MINUTE = 60_000;
const IDLE_RECLAIM = 10 * MINUTE;
const COLD_START = 250;
const PING = 1;
const SEED = 1;
const PINGERS = ['serverless-plugin-warmup', 'lambda-warmer'];

/** The flags that state the reference's assumptions to the simulator: kept stable so others can reproduce. */
const FLAGS = [
  '--spread',
  'equidistant',
  '--idle-reclaim',
  '10m',
  '--max-lifetime',
  '30d',
  '--cold-start',
  '250ms',
  // the reference pings at second 0 of its minutes
  '--schedule-phase',
  '0s',
];

function csv(file: string) {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = head.split(',');
  return { columns, rows: lines.map((line) => line.split(',')) };
}

/** Per function (by app/function id), its requests in time order: arrival and duration, ms. */
type Requests = Map<string, Array<{ t: number; durationMs: number }>>;

/**
 * The requests the reference assumes: each minute's count of finished invocations (the trace's README: counted in
 * the minute they finished) ending evenly spread inside the minute, each lasting its function's Average and so
 * arriving that long before its end, not before the trace starts. Read from the CSV files here, not through the
 * loader.
 */
function requestsAtAverage(): { requests: Requests; startMs: number; endMs: number } {
  const invocations = csv(join(SAMPLE, 'invocations.csv'));
  const durations = csv(join(SAMPLE, 'durations.csv'));
  const at = (table: typeof durations, name: string) => table.columns.indexOf(name);
  const average = new Map<string, number>();
  for (const row of durations.rows) {
    average.set(
      `${row[at(durations, 'HashApp')]}/${row[at(durations, 'HashFunction')]}`,
      Number(row[at(durations, 'Average')]),
    );
  }
  const minuteColumns = invocations.columns.flatMap((name, column) =>
    /^\d+$/.test(name) ? [{ column, minute: Number(name) - 1 }] : [],
  );
  const requests: Requests = new Map();
  const startMs = Math.min(...minuteColumns.map((m) => m.minute)) * MINUTE;
  for (const row of invocations.rows) {
    const id = `${row[at(invocations, 'HashApp')]}/${row[at(invocations, 'HashFunction')]}`;
    const durationMs = average.get(id) ?? 100;
    const list: Array<{ t: number; durationMs: number }> = [];
    for (const { column, minute } of minuteColumns) {
      const count = Number(row[column]);
      for (let k = 0; k < count; k++) {
        const end = minute * MINUTE + ((k + 0.5) * MINUTE) / count;
        list.push({ t: Math.max(startMs, end - durationMs), durationMs });
      }
    }
    requests.set(id, list);
  }
  return { requests, startMs, endMs: (Math.max(...minuteColumns.map((m) => m.minute)) + 1) * MINUTE };
}

/** The requests exactly as the simulator's loader produces them (evenly spread, default duration model). */
function requestsAsLoaded(): Requests {
  const trace = loadTrace(SAMPLE, { spread: 'equidistant' });
  const requests: Requests = new Map(trace.functions.map((fn) => [fn.id, []]));
  const source = trace.arrivals(SEED);
  for (let batch = source.next(); batch; batch = source.next()) {
    for (let i = 0; i < batch.count; i++) {
      requests.get(trace.functions[batch.fn[i]].id)!.push({ t: batch.time[i], durationMs: batch.durationMs[i] });
    }
  }
  return requests;
}

/**
 * An independent, deliberately plain model of Lambda: one request per environment, the most recently freed idle
 * environment serves, an environment idle for more than 10 minutes is gone, a cold start adds 250 ms, a ping
 * (every `pingEveryMs` from the trace's start, as a schedule deployed with it fires, if given) holds its environment
 * for 1 ms. Returns the user requests that found no idle environment.
 */
function referenceColdStarts(
  requests: Requests,
  span: { readonly startMs: number; readonly endMs: number },
  pingEveryMs?: number,
): { cold: number; requests: number } {
  let cold = 0;
  let count = 0;
  for (const list of requests.values()) {
    const events: Array<{ t: number; busy: number; ping: boolean }> = list.map((r) => ({
      t: r.t,
      busy: r.durationMs,
      ping: false,
    }));
    if (pingEveryMs !== undefined) {
      for (let t = span.startMs; t < span.endMs; t += pingEveryMs) events.push({ t, busy: PING, ping: true });
    }
    events.sort((a, b) => a.t - b.t || Number(b.ping) - Number(a.ping));
    /** When each live environment becomes (or became) free. */
    let freeAt: number[] = [];
    for (const { t, busy, ping } of events) {
      freeAt = freeAt.filter((free) => free > t || t - free <= IDLE_RECLAIM);
      let best = -1;
      for (let e = 0; e < freeAt.length; e++) {
        if (freeAt[e] <= t && (best < 0 || freeAt[e] > freeAt[best])) best = e;
      }
      if (best >= 0) {
        freeAt[best] = t + busy;
      } else {
        freeAt.push(t + COLD_START + busy);
        if (!ping) cold++;
      }
      if (!ping) count++;
    }
  }
  return { cold, requests: count };
}

/** Cold starts per strategy from `thermostat simulate --json` on the sample with the reference's flags. */
async function simulated(
  extra: string[],
): Promise<{ cold: Record<string, number>; requests: number; settings: Record<string, string | number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-reference-'));
  try {
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', '_defaults.yaml'), 'defaults:\n  warm: { concurrency: 1, interval: 5m }\n');
    const out = memoryIo();
    const code = await main(
      [
        'simulate',
        '--trace',
        SAMPLE,
        '--policies',
        join(dir, 'policies'),
        '--strategies',
        `none,${PINGERS.join(',')}`,
        ...FLAGS,
        ...extra,
        '--json',
      ],
      out.io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.stdout()) as {
      rows: Array<{ strategy: string; coldStarts: number; requests: number }>;
      settings: Record<string, string | number>;
    };
    return {
      cold: Object.fromEntries(report.rows.map((row) => [row.strategy, row.coldStarts])),
      requests: report.rows[0].requests,
      settings: report.settings,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const within = (value: number, reference: number, tolerance: number) =>
  value >= reference * (1 - tolerance) && value <= reference * (1 + tolerance);

describe('the simulator against an independent reference model (azure2019_invitro_sample100)', () => {
  let byDefault: Awaited<ReturnType<typeof simulated>>;
  let atAverage: Awaited<ReturnType<typeof simulated>>;
  let reference: { none: number; pings: number; requests: number };
  let referenceOnLoaded: { none: number; pings: number };

  beforeAll(async () => {
    byDefault = await simulated([]);
    atAverage = await simulated(['--durations', 'average']);
    const { requests, ...span } = requestsAtAverage();
    const none = referenceColdStarts(requests, span);
    reference = {
      none: none.cold,
      pings: referenceColdStarts(requests, span, 5 * MINUTE).cold,
      requests: none.requests,
    };
    const loaded = requestsAsLoaded();
    referenceOnLoaded = {
      none: referenceColdStarts(loaded, span).cold,
      pings: referenceColdStarts(loaded, span, 5 * MINUTE).cold,
    };
  }, 600_000);

  it('replays the same requests', () => {
    expect(byDefault.requests).toBe(reference.requests);
    expect(byDefault.settings.durations).toMatch(/^distribution: /);
    expect(atAverage.settings.durations).toMatch(/^average: /);
  });

  it('pings change the outcome, so comparing them means something', () => {
    expect(reference.pings).toBeLessThan(reference.none * 0.5);
  });

  it('with durations at the Average (the reference’s own assumption) agrees within 10% with no warming', () => {
    expect(within(atAverage.cold.none, reference.none, 0.1)).toBe(true);
  });

  it('with durations at the Average agrees within 10% with lambda-warmer pinging every 5 minutes at concurrency 1', () => {
    expect(within(atAverage.cold['lambda-warmer'], reference.pings, 0.1)).toBe(true);
  });

  it('with durations at the Average agrees within 15% with serverless-plugin-warmup (its target holds a ping 25 ms, not 1)', () => {
    expect(within(atAverage.cold['serverless-plugin-warmup'], reference.pings, 0.15)).toBe(true);
  });

  it('with its default duration model agrees within 10% with the reference fed the same requests and durations', () => {
    expect(within(byDefault.cold.none, referenceOnLoaded.none, 0.1)).toBe(true);
    for (const strategy of PINGERS) expect(within(byDefault.cold[strategy], referenceOnLoaded.pings, 0.1)).toBe(true);
  });

  it('duration spread adds cold starts over constant durations, never removes them', () => {
    expect(byDefault.cold.none).toBeGreaterThanOrEqual(atAverage.cold.none);
    expect(referenceOnLoaded.none).toBeGreaterThanOrEqual(reference.none);
  });
});
