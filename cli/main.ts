import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './command';
import { commands as allCommands } from './commands';
import { EXIT, UsageError } from './errors';
import { type Io, processIo } from './io';

function version(): string {
  // Works from both the TypeScript sources and dist/, which sit at different depths.
  for (const up of ['..', '../..']) {
    try {
      return JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')).version;
    } catch {}
  }
  return 'unknown';
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: thermostat <command> [options]',
    '',
    'Keeps AWS Lambda functions exactly as warm as their traffic needs, at the lowest cost.',
    '',
    'Commands:',
    ...(lines.length > 0 ? lines : ['  (none yet)']),
    '',
    'Options:',
    '  -h, --help     show help (also after a command: thermostat <command> --help)',
    '  -v, --version  print the version',
    '      --debug    print stack traces for errors',
    '',
    'Exit codes: 0 ok, 1 invalid input or failed run, 2 usage error.',
    '',
  ].join('\n');
}

/** Runs the CLI in-process and resolves to the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: Io = processIo(), commands = allCommands): Promise<number> {
  const [name, ...rest] = argv;
  const debug = argv.includes('--debug');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview(commands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`thermostat: unknown command "${name}"; run "thermostat --help" for the list\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const err = error as Error;
    if (error instanceof UsageError) {
      io.stderr.write(`thermostat ${name}: ${err.message}; run "thermostat ${name} --help"\n`);
      return EXIT.usage;
    }
    io.stderr.write(`thermostat ${name}: ${err.message}\n`);
    if (debug) io.stderr.write(`${err.stack ?? ''}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`thermostat: ${(error as Error).message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
