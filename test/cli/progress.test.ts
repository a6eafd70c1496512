import { createProgress } from '../../cli/progress';

function stream(tty: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY: tty, write: (text: string) => chunks.push(text) };
}

describe('progress display', () => {
  it('redraws the block in place on a terminal', () => {
    const out = stream(true);
    const progress = createProgress(out);
    progress.update({ lines: ['a', 'b'] });
    progress.update({ lines: ['c'] });
    progress.finish({ lines: ['d', 'e'] });
    expect(out.chunks[0]).toBe('\u001b[2Ka\n\u001b[2Kb\n');
    // Back up two lines, write the new one, clear the leftover.
    expect(out.chunks[1]).toBe('\u001b[2F\u001b[2Kc\n\u001b[2K\n');
    expect(out.chunks[2]).toBe('\u001b[2F\u001b[2Kd\n\u001b[2Ke\n');
    progress.update({ lines: ['late'] });
    expect(out.chunks).toHaveLength(3);
  });

  it('degrades to throttled plain lines elsewhere', () => {
    const out = stream(false);
    let now = 0;
    const progress = createProgress(out, { plainEveryMs: 1000, now: () => now });
    progress.update({ lines: ['table'], plain: ['line 1'] });
    now = 500;
    progress.update({ lines: ['table'], plain: ['line 2'] });
    now = 1000;
    progress.update({ lines: ['table'], plain: ['line 3'] });
    progress.finish({ lines: ['final'] });
    expect(out.chunks.join('')).toBe('line 1\nline 3\nfinal\n');
    expect(out.chunks.join('')).not.toContain('\u001b');
  });
});
