import type { ChildProcess } from 'node:child_process';
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

interface Host {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
}

/**
 * 'light' environments: module instances inside one shared host process (see runtime/light-main.ts), a few
 * kilobytes each instead of tens of megabytes, for fan-outs of hundreds or thousands of environments.
 */
export class LightBackend implements Backend {
  private host: Host | undefined;
  private readonly environments = new Map<string, LightEnvironment>();
  private stopped = false;

  pids(): number[] {
    const pid = this.host?.child.pid;
    return pid === undefined || this.host?.child.exitCode !== null ? [] : [pid];
  }

  create(start: EnvironmentStart, hooks: EnvironmentHooks): EnvironmentHandle {
    const environment = new LightEnvironment(this, start, hooks);
    this.environments.set(start.envId, environment);
    return environment;
  }

  forget(envId: string): void {
    this.environments.delete(envId);
  }

  /** The running host, started on first use and again after a crash. */
  async hostProcess(): Promise<ChildProcess> {
    if (this.stopped) throw new Error('the emulator is stopping');
    if (!this.host) this.host = this.startHost();
    await this.host.ready;
    return this.host.child;
  }

  private startHost(): Host {
    const child = forkRuntime('light-main');
    // Host-level output (not inside any environment) is not an environment's log; keep it out of the way.
    child.stdout?.resume();
    child.stderr?.resume();
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the light environment host exited during start (code ${code})`)));
      child.on('message', (message: FromRuntime) => {
        if (message.type === 'ready') resolve();
        else this.environments.get(message.envId)?.receive(message);
      });
    });
    ready.catch(() => {});
    child.once('exit', () => {
      if (this.host?.child === child) this.host = undefined;
      for (const environment of [...this.environments.values()]) environment.hostExited();
    });
    return { child, ready };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.host?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

class LightEnvironment implements EnvironmentHandle {
  private host: ChildProcess | undefined;
  private resolveInit: ((outcome: InitOutcome) => void) | undefined;
  private readonly pendingInvoke = new PendingInvoke();
  private gone = false;

  constructor(
    private readonly backend: LightBackend,
    private readonly start: EnvironmentStart,
    private readonly hooks: EnvironmentHooks,
  ) {}

  get pid(): number | undefined {
    return undefined;
  }

  async init(): Promise<InitOutcome> {
    try {
      this.host = await this.backend.hostProcess();
    } catch (error) {
      this.backend.forget(this.start.envId);
      return startFailed(error);
    }
    const host = this.host;
    return new Promise<InitOutcome>((resolve) => {
      this.resolveInit = resolve;
      host.send(initMessage(this.start));
    });
  }

  receive(message: FromRuntime): void {
    if (message.type === 'log') this.hooks.log(message.text);
    else if (message.type === 'initDone') {
      const resolve = this.resolveInit;
      this.resolveInit = undefined;
      if (message.error) this.backend.forget(this.start.envId);
      resolve?.(initDone(message, 0));
    } else if (message.type === 'result') {
      if (this.pendingInvoke.settle(message) && message.fatal) this.markGone();
    } else if (message.type === 'exit' && !this.gone) {
      this.markGone();
      this.hooks.lost(`Runtime exited with error: ${message.reason}`);
    }
  }

  hostExited(): void {
    const reason = 'Runtime exited with error: the light environment host exited';
    this.markGone();
    this.resolveInit?.(initExited(reason, 0));
    this.resolveInit = undefined;
    if (!this.pendingInvoke.exited(reason)) this.hooks.lost(reason);
  }

  private markGone(): void {
    this.gone = true;
    this.backend.forget(this.start.envId);
  }

  invoke(message: InvokeMessage): Promise<InvokeOutcome> {
    const host = this.host;
    if (!host || this.gone || !host.connected) return environmentGone();
    return this.pendingInvoke.start(message.requestId, () => host.send(message));
  }

  async destroy(): Promise<void> {
    if (!this.gone && this.host?.connected) this.host.send({ type: 'destroy', envId: this.start.envId });
    this.markGone();
    this.resolveInit = undefined;
    this.pendingInvoke.forget();
  }
}
