/**
 * A progress display for long work: on a terminal it redraws a block of lines in place; elsewhere (CI logs, pipes)
 * it degrades to plain lines printed at most every `plainEveryMs`, so logs stay readable and short.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  /** Minimum real milliseconds between plain (non-TTY) updates. @default 5000 */
  readonly plainEveryMs?: number;
  /** Injectable clock for tests. @default Date.now */
  readonly now?: () => number;
}

export interface Frame {
  /** The block drawn on a terminal. */
  readonly lines: readonly string[];
  /** What a non-terminal gets instead; defaults to `lines`. */
  readonly plain?: readonly string[];
}

export interface Progress {
  /** Shows the latest state; on a non-TTY it may be dropped if the last plain update was too recent. */
  update(frame: Frame): void;
  /** Shows the final state unconditionally and stops redrawing. */
  finish(frame?: Frame): void;
}

const CLEAR_LINE = '\u001b[2K';
const up = (n: number) => (n > 0 ? `\u001b[${n}F` : '');

export function createProgress(stream: ProgressStream, options: ProgressOptions = {}): Progress {
  const tty = Boolean(stream.isTTY);
  const every = options.plainEveryMs ?? 5000;
  const now = options.now ?? Date.now;
  let drawn = 0;
  let lastPlain = Number.NEGATIVE_INFINITY;
  let finished = false;

  const draw = (lines: readonly string[]) => {
    // Move to the first line of the previous frame, then overwrite each line, clearing leftovers.
    let out = up(drawn);
    for (const line of lines) out += `${CLEAR_LINE}${line}\n`;
    for (let i = lines.length; i < drawn; i++) out += `${CLEAR_LINE}\n`;
    stream.write(out);
    drawn = Math.max(lines.length, drawn);
  };

  const plain = (frame: Frame) => {
    const lines = frame.plain ?? frame.lines;
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
    lastPlain = now();
  };

  return {
    update(frame) {
      if (finished) return;
      if (tty) draw(frame.lines);
      else if (now() - lastPlain >= every) plain(frame);
    },
    finish(frame) {
      if (finished) return;
      finished = true;
      if (!frame) return;
      if (tty) draw(frame.lines);
      else plain(frame);
    },
  };
}
