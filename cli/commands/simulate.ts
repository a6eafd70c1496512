import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatIssue, loadPolicySet, parseDuration } from '../../controller/policy';
import { GRID_SEEDS, runGrid } from '../../simulator/grid';
import { type ModelOptions, modelOptions } from '../../simulator/model/options';
import { parseSpread } from '../../simulator/model/spread';
import { renderGrid } from '../../simulator/report/grid-table';
import { renderHtml } from '../../simulator/report/html';
import { buildReport } from '../../simulator/report/report';
import { renderTable } from '../../simulator/report/table';
import { DEFAULT_EPOCH_MS, type Progress, simulate } from '../../simulator/run';
import { createStrategy, isStrategyId, STRATEGY_IDS } from '../../simulator/strategies';
import type { SpreadRule } from '../../simulator/traces/azure2019';
import { DURATION_RULES, type DurationRule, isDurationRule } from '../../simulator/traces/duration-model';
import { loadTrace } from '../../simulator/traces/load';
import { functionsNamed, subsetOf } from '../../simulator/traces/subset';
import { type Command, numberOption, parseCommandArgs } from '../command';
import { EXIT, InputError, UsageError } from '../errors';
import type { Io } from '../io';

const HELP = `Usage: thermostat simulate --trace <path> --policies <file-or-dir> [options]

Replays a real invocation trace against a model of Lambda and compares warming strategies by the share of
cold user requests and by cost, before you deploy anything. Trace functions are anonymous hashes: the policy
set's defaults document applies to every function unless a policy names its hash.

Traces: an Azure Functions 2021 file (app,func,end_timestamp,duration) or an Azure Functions 2019 invocations
file or folder (per-minute counts, with durations and memory files next to it). Full upstream files work.

Options:
      --trace <path>            trace file or folder (required)
      --policies <path>         policy file or directory (required)
      --strategies <a,b,...>    default: all of ${STRATEGY_IDS.join(', ')}
      --grid                    Thermostat under your policies against every fixed setting of the warmers
                                (serverless-plugin-warmup and lambda-warmer every 1, 5 or 15 minutes at
                                concurrency 1, 2 or 5), provisioned concurrency and no warming, each the mean of
                                5 runs (seeds 1-5; --seed for one), by cold share and warming overhead, with the
                                verdict: which settings are as warm for less, and how it compares with the
                                plugin's default; every point replays the same trace, memory and model options
      --report <file.html>      write a self-contained HTML report (tables, SVG charts, attribution)
      --json                    print one JSON object: { trace, settings, rows: [{ strategy, coldShare,
                                coldShareP75, costUsd, overheadUsd (with none), cost: {...} }], series }
                                instead of the table
      --seed <n>                random seed (arrivals inside a minute, reclaim draws, jitter); default 1
      --idle-reclaim <d|a-b>    idle time before an environment is reclaimed; default 5m-15m (uniform)
      --max-lifetime <d|a-b>    age at which an environment is retired; default 2h-4h (uniform)
      --proactive-replacement <share>
                                share (0-1) of busy environments Lambda replaces ahead of their retirement
                                (proactive initialisation); default 0.5
      --schedule-phase <d|a-b>  when in its minute each warmer's schedule fires (EventBridge's precision is a
                                minute), drawn once per schedule; default 0s-1m (uniform); 0s: second 0
      --cold-start <duration>   latency a cold start adds (and INIT billed); default 250ms
      --spread <rule>           ends inside a 2019 minute: uniform (default) or equidistant
      --durations <rule>        distribution (default): each invocation's duration drawn from its function's
                                percentiles with the mean kept at the trace's Average; average: every
                                invocation lasts the Average (2021 traces: as recorded, or the function's mean)
      --functions <a,b,...>     replay only these functions, as an account that runs just them: each a function's
                                hash (every function of that name), its app/function id, or the start of either
      --memory <MB>             memory of every function, overriding the trace and the policies
      --account-concurrency <n> account concurrency limit; default 1000
      --start <ISO date>        date of the trace's first midnight, for policy windows; default 2024-01-01 (a Monday)

Progress goes to stderr. Results are a model, not a measurement of AWS; the trace's attribution is printed
with them (the Azure traces are CC BY 4.0).

Exit codes: 0 ok, 1 bad trace or policies, 2 usage error.
`;

function spreadOption(name: string, value: string | undefined, zero = false) {
  if (value === undefined) return undefined;
  try {
    return parseSpread(value, { zero });
  } catch (error) {
    throw new UsageError(`--${name}: ${(error as Error).message}`, { cause: error });
  }
}

/** Progress on stderr: one rewritten line on a terminal, a plain line every 5 s otherwise (logs, CI). */
export function progressPrinter(io: Io, strategies: number) {
  const tty = Boolean(io.stderr.isTTY);
  let lastLine = 0;
  let printed = false;
  return {
    update(progress: Progress) {
      const percent = Math.floor((progress.done / Math.max(1, progress.total)) * 100);
      const text = `simulating: ${percent}% of ${progress.total.toLocaleString('en-US')} invocations × ${strategies} strateg${strategies === 1 ? 'y' : 'ies'}, ${(progress.elapsedMs / 1000).toFixed(0)} s`;
      if (tty) {
        io.stderr.write(`\r${text}`);
        printed = true;
      } else if (progress.elapsedMs - lastLine >= 5000) {
        // Plain lines for logs, not too many of them.
        lastLine = progress.elapsedMs;
        io.stderr.write(`${text}\n`);
      }
    },
    done() {
      if (tty && printed) io.stderr.write('\r\u001b[K');
    },
  };
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'replay a real trace and compare warming strategies by cold starts and cost',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      trace: { type: 'string' },
      policies: { type: 'string' },
      strategies: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
      grid: { type: 'boolean' },
      seed: { type: 'string' },
      'idle-reclaim': { type: 'string' },
      'max-lifetime': { type: 'string' },
      'proactive-replacement': { type: 'string' },
      'schedule-phase': { type: 'string' },
      'cold-start': { type: 'string' },
      spread: { type: 'string' },
      durations: { type: 'string' },
      memory: { type: 'string' },
      functions: { type: 'string' },
      'account-concurrency': { type: 'string' },
      start: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.trace) throw new UsageError('--trace <path> is required');
    if (!values.policies) throw new UsageError('--policies <file-or-dir> is required');
    if (values.grid && values.strategies !== undefined)
      throw new UsageError('--grid runs its own strategies; leave out --strategies');
    if (values.grid && values.report !== undefined)
      throw new UsageError('--grid prints a table (or JSON with --json); --report draws a run of --strategies');

    const ids = (values.strategies ?? STRATEGY_IDS.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = ids.filter((id) => !isStrategyId(id));
    if (unknown.length > 0 || ids.length === 0) {
      throw new UsageError(`unknown strategy "${unknown[0] ?? ''}"; choose from ${STRATEGY_IDS.join(', ')}`);
    }
    if (values.spread !== undefined && values.spread !== 'uniform' && values.spread !== 'equidistant') {
      throw new UsageError(`--spread must be uniform or equidistant, got "${values.spread}"`);
    }
    if (values.durations !== undefined && !isDurationRule(values.durations)) {
      throw new UsageError(`--durations must be ${DURATION_RULES.join(' or ')}, got "${values.durations}"`);
    }
    let coldStartMs: number | undefined;
    if (values['cold-start'] !== undefined) {
      try {
        coldStartMs = parseDuration(values['cold-start']);
      } catch (error) {
        throw new UsageError(`--cold-start: ${(error as Error).message}`, { cause: error });
      }
    }
    let epochMs = DEFAULT_EPOCH_MS;
    if (values.start !== undefined) {
      epochMs = Date.parse(values.start);
      if (Number.isNaN(epochMs))
        throw new UsageError(`--start must be an ISO date such as 2024-01-01, got "${values.start}"`);
    }
    const only = values.functions
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (only !== undefined && only.length === 0) throw new UsageError('--functions needs at least one function name');
    const seed = numberOption('seed', values.seed, 0, 2 ** 32 - 1);
    const memoryMb = numberOption('memory', values.memory, 128, 10_240);
    const account = numberOption('account-concurrency', values['account-concurrency'], 1, 1_000_000);
    const idleReclaim = spreadOption('idle-reclaim', values['idle-reclaim']);
    const maxLifetime = spreadOption('max-lifetime', values['max-lifetime']);
    const schedulePhase = spreadOption('schedule-phase', values['schedule-phase'], true);
    const proactiveReplacement = numberOption('proactive-replacement', values['proactive-replacement'], 0, 1);
    const model: Partial<ModelOptions> = {
      ...(seed !== undefined ? { seed } : {}),
      ...(coldStartMs !== undefined ? { coldStartMs } : {}),
      ...(account !== undefined ? { accountConcurrency: account } : {}),
      ...(idleReclaim ? { idleReclaim } : {}),
      ...(maxLifetime ? { maxLifetime } : {}),
      ...(proactiveReplacement !== undefined ? { proactiveReplacement } : {}),
      ...(schedulePhase ? { schedulePhase } : {}),
    };

    const set = loadPolicySet([values.policies], { cwd: io.cwd });
    if (set.issues.length > 0) {
      for (const issue of set.issues) io.stderr.write(`${formatIssue(issue)}\n`);
      throw new InputError(
        `the policy set has ${set.issues.length} problem${set.issues.length === 1 ? '' : 's'}; nothing simulated`,
      );
    }
    let trace: ReturnType<typeof loadTrace>;
    try {
      trace = loadTrace(resolve(io.cwd, values.trace), {
        spread: values.spread as SpreadRule | undefined,
        durations: values.durations as DurationRule | undefined,
      });
      if (only !== undefined) trace = subsetOf(trace, functionsNamed(trace, only));
    } catch (error) {
      throw new InputError((error as Error).message, { cause: error });
    }
    // A table of zeros would read as a result.
    if (trace.invocations === 0)
      throw new InputError(`${values.trace}: the trace holds no invocations; nothing simulated`);
    if (values.grid) {
      const { seed: _one, ...shared } = model;
      const result = runGrid(
        trace,
        { policySet: set, setting: values.policies },
        {
          seeds: seed !== undefined ? [seed] : GRID_SEEDS,
          model: shared,
          ...(memoryMb !== undefined ? { memoryMb } : {}),
          epochMs,
          onPoint: (done, total) => io.stderr.write(`grid: ${done} of ${total} settings replayed\n`),
        },
      );
      const summary = { trace: trace.name, functions: trace.functions.length, invocations: trace.invocations };
      io.stdout.write(values.json ? `${JSON.stringify({ ...summary, ...result })}\n` : renderGrid(trace, result));
      return EXIT.ok;
    }

    const progress = progressPrinter(io, ids.length);
    let run: ReturnType<typeof simulate>;
    try {
      run = simulate({
        trace,
        policySet: set,
        strategies: ids.map((id) => createStrategy(id as Parameters<typeof createStrategy>[0])),
        model: modelOptions(model),
        memoryMb,
        epochMs,
        onProgress: (p) => progress.update(p),
      });
    } catch (error) {
      progress.done();
      throw new InputError((error as Error).message, { cause: error });
    }
    progress.done();

    const report = buildReport(trace, run);
    if (values.report) {
      const file = resolve(io.cwd, values.report);
      try {
        writeFileSync(file, renderHtml(report));
      } catch (error) {
        throw new InputError(`cannot write the report to ${values.report}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      io.stderr.write(`report written to ${values.report}\n`);
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      io.stdout.write(renderTable(report));
      for (const p of run.policies.unmatched) {
        io.stderr.write(`note: policy ${p.key} (${p.file}) names no function of the trace\n`);
      }
    }
    if (values.json && run.policies.unmatched.length > 0) {
      io.stderr.write(`note: ${run.policies.unmatched.length} policies name no function of the trace\n`);
    }
    return EXIT.ok;
  },
};
