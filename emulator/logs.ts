/** One line an execution environment printed (or a START/END/REPORT line the platform wrote for it). */
export interface LogLine {
  /** Emulator-clock epoch ms. */
  readonly at: number;
  readonly functionName: string;
  readonly version: string;
  /** The environment's log stream name. */
  readonly envId: string;
  readonly requestId: string | undefined;
  readonly text: string;
}

export interface LogQuery {
  readonly functionName?: string;
  readonly envId?: string;
  readonly requestId?: string;
  /** Most recent lines to return. @default 200 */
  readonly limit?: number;
}

/** The most recent log lines of every environment, in a fixed-size ring so a long run never grows memory. */
export class LogStore {
  private readonly lines: (LogLine | undefined)[];
  private next = 0;
  private size = 0;

  constructor(
    private readonly capacity = 10_000,
    private readonly onLog?: (line: LogLine) => void,
  ) {
    this.lines = new Array(capacity);
  }

  add(line: LogLine): void {
    this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    this.onLog?.(line);
  }

  query(query: LogQuery = {}): LogLine[] {
    const limit = query.limit ?? 200;
    const out: LogLine[] = [];
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const line = this.lines[(this.next - i + this.capacity) % this.capacity]!;
      if (query.functionName !== undefined && line.functionName !== query.functionName) continue;
      if (query.envId !== undefined && line.envId !== query.envId) continue;
      if (query.requestId !== undefined && line.requestId !== query.requestId) continue;
      out.push(line);
    }
    return out.reverse();
  }
}

/** Splits streamed text into whole lines, keeping a partial last line until its newline arrives. */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    return parts;
  }

  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}
