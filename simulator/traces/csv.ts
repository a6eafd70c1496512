import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A trace file that cannot be read as the format it claims to be; names the file, line and reason. */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`, options);
  }
}

/**
 * Calls `onLine` for every line of a file, reading it in 1 MiB chunks: the upstream trace files are hundreds of
 * megabytes, and holding one as a single string would exceed V8's string limit. `onLine` returns false to stop.
 */
export function forEachLine(file: string, onLine: (line: string, lineNumber: number) => unknown): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new TraceFormatError(file, undefined, `cannot open: ${(error as Error).message}`, { cause: error });
  }
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    // The decoder keeps a multi-byte character that a chunk boundary splits for the next chunk.
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let lineNumber = 0;
    let stopped = false;
    reading: for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const text = carry + decoder.write(buffer.subarray(0, read));
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
        lineNumber++;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (onLine(text.slice(start, end), lineNumber) === false) {
          stopped = true;
          break reading;
        }
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    carry += decoder.end();
    if (carry.length > 0 && !stopped) onLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry, lineNumber + 1);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a comma-separated file row by row: the first non-empty line is the header, handed to `onHeader` to check
 * the columns it needs; every later non-empty line is split into cells for `onRow`. Returns the header, or
 * undefined when the file has no lines.
 */
export function forEachRow(
  file: string,
  onHeader: (header: Header) => void,
  onRow: (cells: string[], lineNumber: number, header: Header) => void,
): Header | undefined {
  let header: Header | undefined;
  forEachLine(file, (line, lineNumber) => {
    if (line.length === 0) return;
    const cells = line.split(',');
    if (header === undefined) {
      header = new Header(file, cells);
      onHeader(header);
    } else {
      onRow(cells, lineNumber, header);
    }
  });
  return header;
}

/** Maps column names of a CSV header to their positions; the loaders read by name so full upstream files work. */
export class Header {
  private readonly index = new Map<string, number>();
  constructor(
    readonly file: string,
    readonly columns: readonly string[],
  ) {
    columns.forEach((name, i) => {
      this.index.set(name.trim().replace(/^\uFEFF/, ''), i);
    });
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  find(name: string): number | undefined {
    return this.index.get(name);
  }

  require(name: string): number {
    const at = this.index.get(name);
    if (at === undefined) throw new TraceFormatError(this.file, 1, `missing column "${name}"`);
    return at;
  }
}

/** Parses a numeric CSV cell, naming the place when it is not a number. */
export function numberCell(value: string | undefined, file: string, line: number, column: string): number {
  const parsed = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) {
    throw new TraceFormatError(file, line, `column "${column}" is not a number: "${value ?? ''}"`);
  }
  return parsed;
}
