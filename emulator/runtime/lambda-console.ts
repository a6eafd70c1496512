import { format } from 'node:util';

const LEVELS = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;

/**
 * Makes `console` print like the Node.js Lambda runtime (`<ISO time>\t<request id>\t<LEVEL>\t<message>`, newlines
 * folded to \r so a message stays one log event), and sends everything written to stdout/stderr to `write`
 * instead of the real streams, so log lines travel in order with the invocation's result.
 */
export function installLambdaConsole(
  requestId: () => string | undefined,
  write: (text: string, stream: 'stdout' | 'stderr') => boolean,
): void {
  for (const [method, level] of Object.entries(LEVELS)) {
    Reflect.set(console, method, (...args: unknown[]) => {
      const message = format(...args).replace(/\n/g, '\r');
      process.stdout.write(`${new Date().toISOString()}\t${requestId() ?? 'undefined'}\t${level}\t${message}\n`);
    });
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const original = stream.write.bind(stream);
    Reflect.set(stream, 'write', (chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const done = typeof encoding === 'function' ? encoding : callback;
      if (!write(text, name)) {
        return original(chunk as string, encoding as BufferEncoding, callback as () => void);
      }
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    });
  }
}
