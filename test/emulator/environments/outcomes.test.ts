import { forkRuntime, sendFailed } from '../../../emulator/environments/outcomes';

describe('forkRuntime', () => {
  it('lets a message sent to a runtime that already exited fail without ending the emulator', async () => {
    const child = forkRuntime('light-main');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    expect(child.listeners('error')).toEqual([sendFailed]);
    // Node reports the failed send as the child's 'error' on a later tick; unheard, it would be thrown
    child.send({ type: 'destroy', envId: 'gone' });
    await new Promise((resolve) => setImmediate(resolve));
    const reported = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    child.send({ type: 'destroy', envId: 'gone' });
    expect((await reported).code).toBe('ERR_IPC_CHANNEL_CLOSED');
  });

  it('throws any other error of a runtime, as Node would', () => {
    expect(() => sendFailed(Object.assign(new Error('spawn failed'), { code: 'ENOENT' }))).toThrow('spawn failed');
    expect(() => sendFailed(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).not.toThrow();
  });
});
