import { resolve } from 'node:path';
import { type Command, numberOption, parseCommandArgs } from '../command';
import { DemoSetupError, runDemo } from '../demo/run-demo';
import { EXIT, InputError, UsageError } from '../errors';
import { colours } from '../io';

/** The shell's convention for a run ended by Ctrl-C (128 + SIGINT). */
const INTERRUPTED = 130;

const HELP = `Usage: thermostat demo [--minutes N] [--report <file.html>] [--json]

Runs Thermostat locally, with no AWS account: the example functions run twice in the local Lambda emulator,
one copy managed by the real controller with the example policies, one left alone, and a day of traffic
(a quiet night, a business-hours ramp, a sudden burst, a nightly batch) is played against both in under a
minute. Prints a live table, a summary per function, and writes a self-contained HTML report.

Options:
  --minutes <N>       real length of the story day in minutes, 0.2 to 10 (default 0.75: a day in 45 s)
  --report <file>     where to write the HTML report (default: thermostat-report.html)
  --json              print the summary as JSON on stdout (the live table goes to stderr)
  --debug             print the controller's log lines on stderr
  -h, --help          show this help

Everything listens on 127.0.0.1 only and stops when the demo ends.
Ctrl-C ends the day early: the summary and the report then cover the day so far.
Exit codes: 0 the demo ran, 1 it could not start or no controller tick succeeded, 2 usage error,
130 interrupted.
`;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the controller locally against the emulator and show warm vs cold, with an HTML report',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      minutes: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const minutes = numberOption('minutes', values.minutes, 0.2, 10) ?? 0.75;
    const reportPath = resolve(io.cwd, values.report ?? 'thermostat-report.html');
    if (!reportPath.endsWith('.html')) throw new UsageError(`--report must name an .html file, got "${values.report}"`);
    // The SDK's notice about future Node.js versions is for people using the SDK, not for a demo of a tool.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

    const out = values.json ? io.stderr : io.stdout;
    // Ctrl-C ends the day early but still stops every process and writes the summary and the report.
    const interrupt = new AbortController();
    const onSigint = () => interrupt.abort();
    process.once('SIGINT', onSigint);
    let result: Awaited<ReturnType<typeof runDemo>>;
    try {
      result = await runDemo({
        durationMs: Math.round(minutes * 60_000),
        reportPath,
        out,
        paint: colours(out, io.env),
        signal: interrupt.signal,
        ...(values.debug ? { log: (line: string) => io.stderr.write(`${line}\n`) } : {}),
      });
    } catch (error) {
      if (error instanceof DemoSetupError) throw new InputError(error.message, { cause: error });
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (values.json) {
      const { settings } = result.record;
      io.stdout.write(
        `${JSON.stringify(
          {
            settings,
            warmRatio: { managed: result.managed, unmanaged: result.unmanaged },
            functions: result.rows,
            ticks: result.record.ticks.length,
            failures: result.failures,
            report: result.reportPath,
          },
          null,
          2,
        )}\n`,
      );
    }
    if (interrupt.signal.aborted) return INTERRUPTED;
    const ticked = result.record.ticks.some((tick) => !tick.failures.some((f) => f.startsWith('tick failed')));
    return ticked ? EXIT.ok : EXIT.failed;
  },
};
