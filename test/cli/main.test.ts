import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from '../../cli/command';
import { parseCommandArgs } from '../../cli/command';
import { InputError } from '../../cli/errors';
import { main } from '../../cli/main';
import { memoryIo } from '../helpers/io';

const run = promisify(execFile);

const echo: Command = {
  name: 'echo',
  summary: 'prints its arguments',
  help: 'Usage: thermostat echo <words...> [--fail] [--bad]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { fail: { type: 'boolean' }, bad: { type: 'boolean' } });
    if (values.bad) throw new InputError('policies/api.yaml: mode: expected one of warm, provisioned, auto, off');
    if (values.fail) throw new Error('unexpected');
    io.stdout.write(`${positionals.join(' ')}\n`);
    return 0;
  },
};

describe('thermostat main', () => {
  it('lists commands on --help and exits 0', async () => {
    const t = memoryIo();
    expect(await main(['--help'], t.io, [echo])).toBe(0);
    expect(t.stdout()).toContain('Usage: thermostat <command>');
    expect(t.stdout()).toMatch(/echo\s+prints its arguments/);
  });

  it('exits 2 with usage when no command is given', async () => {
    const t = memoryIo();
    expect(await main([], t.io, [echo])).toBe(2);
  });

  it('exits 2 with one clear line for an unknown command', async () => {
    const t = memoryIo();
    expect(await main(['frobnicate'], t.io, [echo])).toBe(2);
    expect(t.stderr()).toBe('thermostat: unknown command "frobnicate"; run "thermostat --help" for the list\n');
  });

  it('prints the command help on --help', async () => {
    const t = memoryIo();
    expect(await main(['echo', '--help'], t.io, [echo])).toBe(0);
    expect(t.stdout()).toBe('Usage: thermostat echo <words...> [--fail] [--bad]\n');
  });

  it('runs a command and returns its exit code', async () => {
    const t = memoryIo();
    expect(await main(['echo', 'a', 'b'], t.io, [echo])).toBe(0);
    expect(t.stdout()).toBe('a b\n');
  });

  it('turns an unknown option into a usage error (exit 2)', async () => {
    const t = memoryIo();
    expect(await main(['echo', '--nope'], t.io, [echo])).toBe(2);
    expect(t.stderr()).toMatch(/^thermostat echo: Unknown option '--nope'; run "thermostat echo --help"\n$/);
  });

  it('reports bad input as one line without a stack trace (exit 1)', async () => {
    const t = memoryIo();
    expect(await main(['echo', '--bad'], t.io, [echo])).toBe(1);
    expect(t.stderr()).toBe('thermostat echo: policies/api.yaml: mode: expected one of warm, provisioned, auto, off\n');
  });

  it('adds the stack trace only with --debug', async () => {
    const t = memoryIo();
    expect(await main(['echo', '--fail', '--debug'], t.io, [echo])).toBe(1);
    expect(t.stderr()).toContain('thermostat echo: unexpected\n');
    expect(t.stderr()).toContain('at ');
  });

  it('prints the package version', async () => {
    const t = memoryIo();
    expect(await main(['--version'], t.io, [echo])).toBe(0);
    expect(t.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('runs as a real process through the bin entry', async () => {
    const bin = join(__dirname, '..', '..', 'bin', 'thermostat.js');
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toContain('Usage: thermostat <command>');
    await expect(run(process.execPath, [bin, 'frobnicate'])).rejects.toMatchObject({ code: 2 });
  });
});
