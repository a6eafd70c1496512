import { PassThrough } from 'node:stream';
import type { Io } from '../../cli/io';

/** An in-memory Io for running CLI commands in-process and reading what they printed. */
export function memoryIo(options: { tty?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const io: Io = { stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? process.cwd() };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
