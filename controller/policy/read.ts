/**
 * Reads one policy file, bounded in time and memory whatever the path names: only regular files are opened (a
 * FIFO would block the read forever, `/dev/zero` would never end), at most MAX_POLICY_FILE_BYTES are read, and the
 * bytes are decoded as encoding.ts says. Used by every reader of policy files: the CLI and the construct (through
 * load.ts) and the controller.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { type Decoded, decodePolicyBytes, MAX_POLICY_FILE_BYTES } from './encoding';

export { MAX_POLICY_FILE_BYTES } from './encoding';

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

const tooLarge = (size: string) =>
  `the file is ${size}, more than the ${MAX_POLICY_FILE_BYTES} bytes a policy file may hold; split the set into several files`;

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ELOOP') return 'too many symbolic links';
  return (error as Error).message;
}

/**
 * The text of the policy file at `path` (symbolic links followed), or why it cannot be read. Never throws, never
 * blocks on a special file, never reads more than MAX_POLICY_FILE_BYTES + 1 bytes.
 */
export function readPolicyText(path: string): Decoded {
  let stats: Stats;
  try {
    // Checked before opening: opening a FIFO for reading waits for a writer.
    stats = statSync(path);
  } catch (error) {
    return { problem: `cannot read: ${reason(error)}` };
  }
  if (!stats.isFile()) return { problem: `cannot read: ${kindOf(stats)}; policies are read from regular files only` };
  if (stats.size > MAX_POLICY_FILE_BYTES) return { problem: tooLarge(`${stats.size} bytes`) };
  let fd: number;
  try {
    // O_NONBLOCK in case the path was swapped for a FIFO since the check (it changes nothing for a regular file).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: `cannot read: ${reason(error)}` };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile())
      return { problem: `cannot read: ${kindOf(opened)}; policies are read from regular files only` };
    // Read in chunks up to one byte past the cap: a file that grew since the check is still cut off there.
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(64 * 1024);
    let total = 0;
    while (total <= MAX_POLICY_FILE_BYTES) {
      const read = readSync(fd, chunk, 0, Math.min(chunk.length, MAX_POLICY_FILE_BYTES + 1 - total), null);
      if (read === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, read)));
      total += read;
    }
    if (total > MAX_POLICY_FILE_BYTES) return { problem: tooLarge(`more than ${MAX_POLICY_FILE_BYTES} bytes`) };
    return decodePolicyBytes(Buffer.concat(chunks, total));
  } catch (error) {
    return { problem: `cannot read: ${reason(error)}` };
  } finally {
    closeSync(fd);
  }
}
