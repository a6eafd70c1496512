import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { FromRuntime, InvokeMessage } from '../runtime/messages';
import type {
  Backend,
  EnvironmentHandle,
  EnvironmentHooks,
  EnvironmentStart,
  InitOutcome,
  InvokeOutcome,
} from './backend';
import {
  environmentGone,
  forkRuntime,
  initDone,
  initExited,
  initMessage,
  PendingInvoke,
  startFailed,
} from './outcomes';

interface Blank {
  readonly child: ChildProcess;
  readonly spawnMs: number;
}

/**
 * 'process' environments: one real Node.js child per environment. Children start blank, in a queue that forks
 * one per event-loop turn (a fork blocks the loop for ~10 ms, so a burst of 200 cold starts must not starve the
 * HTTP server), and a few blanks are kept ready so a cold start pays for loading the handler, not for spawning.
 */
export class ProcessBackend implements Backend {
  private readonly children = new Set<ChildProcess>();
  private readonly blanks: Blank[] = [];
  private readonly waiting: ((blank: Blank) => void)[] = [];
  private readonly forkQueue: (() => void)[] = [];
  private forking = false;
  private poolSpawns = 0;
  private stopped = false;

  constructor(private readonly prewarm: number) {
    this.refill();
  }

  pids(): number[] {
    return [...this.children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  create(start: EnvironmentStart, hooks: EnvironmentHooks): EnvironmentHandle {
    return new ProcessEnvironment(this, start, hooks);
  }

  /** A started blank child: one from the pool, or a fresh one. */
  takeBlank(): Promise<Blank> {
    if (this.stopped) return Promise.reject(new Error('the emulator is stopping'));
    const ready = this.blanks.shift();
    this.refill();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.spawn().then((blank) => this.hand(blank), reject);
    });
  }

  private hand(blank: Blank): void {
    const next = this.waiting.shift();
    if (next) next(blank);
    else this.blanks.push(blank);
  }

  private refill(): void {
    while (!this.stopped && this.blanks.length + this.poolSpawns < this.prewarm) {
      this.poolSpawns++;
      this.spawn().then(
        (blank) => {
          this.poolSpawns--;
          if (this.stopped) blank.child.kill('SIGKILL');
          else this.hand(blank);
        },
        () => {
          this.poolSpawns--;
        },
      );
    }
  }

  private spawn(): Promise<Blank> {
    return new Promise<Blank>((resolve, reject) => {
      this.forkQueue.push(() => {
        if (this.stopped) return reject(new Error('the emulator is stopping'));
        const started = performance.now();
        let child: ChildProcess;
        try {
          child = forkRuntime('process-main');
        } catch (error) {
          return reject(error);
        }
        this.children.add(child);
        child.once('exit', () => {
          this.children.delete(child);
          const index = this.blanks.findIndex((blank) => blank.child === child);
          if (index >= 0) this.blanks.splice(index, 1);
        });
        const onExit = (code: number | null) =>
          reject(new Error(`an environment process exited during start (code ${code})`));
        child.once('exit', onExit);
        child.once('message', (message: FromRuntime) => {
          child.off('exit', onExit);
          if (message.type === 'ready') resolve({ child, spawnMs: performance.now() - started });
          else reject(new Error(`unexpected first message ${message.type} from an environment process`));
        });
      });
      this.pump();
    });
  }

  private pump(): void {
    if (this.forking) return;
    const next = this.forkQueue.shift();
    if (!next) return;
    this.forking = true;
    next();
    setImmediate(() => {
      this.forking = false;
      this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.forkQueue.splice(0)) run();
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
  }
}

class ProcessEnvironment implements EnvironmentHandle {
  private child: ChildProcess | undefined;
  private readonly pendingInvoke = new PendingInvoke();
  private exited = false;
  private destroying = false;

  constructor(
    private readonly backend: ProcessBackend,
    private readonly start: EnvironmentStart,
    private readonly hooks: EnvironmentHooks,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async init(): Promise<InitOutcome> {
    let blank: Blank;
    try {
      blank = await this.backend.takeBlank();
    } catch (error) {
      return startFailed(error);
    }
    const child = blank.child;
    this.child = child;
    if (this.destroying) {
      child.kill('SIGKILL');
      return initExited('destroyed before init', blank.spawnMs);
    }
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.hooks.log(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.hooks.log(text));
    return new Promise<InitOutcome>((resolve) => {
      let initialising = true;
      child.on('message', (message: FromRuntime) => {
        if (message.type === 'log') this.hooks.log(message.text);
        else if (message.type === 'initDone' && initialising) {
          initialising = false;
          resolve(initDone(message, blank.spawnMs));
        } else if (message.type === 'result') this.pendingInvoke.settle(message);
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        const reason = `Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`;
        if (initialising) {
          initialising = false;
          resolve(initExited(reason, blank.spawnMs));
        }
        if (!this.pendingInvoke.exited(reason) && !this.destroying) this.hooks.lost(reason);
      });
      child.send(initMessage(this.start));
    });
  }

  invoke(message: InvokeMessage): Promise<InvokeOutcome> {
    const child = this.child;
    if (!child || this.exited) return environmentGone();
    return this.pendingInvoke.start(message.requestId, () => child.send(message));
  }

  destroy(): Promise<void> {
    this.destroying = true;
    const child = this.child;
    if (!child || this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
