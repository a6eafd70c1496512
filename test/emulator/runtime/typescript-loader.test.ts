import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { baseChildEnv, runtimeEntry } from '../../../emulator/environments/backend';
import type { FromRuntime, InitDoneMessage, InitMessage } from '../../../emulator/runtime/messages';
import { FIXTURES } from '../helpers';

/** The init answer of a real runtime child told to load tsx from where no tsx is, as in an install without it. */
async function initWithoutTsx(name: 'process-main' | 'light-main'): Promise<InitDoneMessage> {
  const { file, execArgv } = runtimeEntry(name);
  const child: ChildProcess = fork(file, [], {
    execArgv,
    env: baseChildEnv(),
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  try {
    return await new Promise<InitDoneMessage>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the runtime exited (${code}) before answering init`)));
      child.on('message', (message: FromRuntime) => {
        if (message.type === 'ready') {
          const init: InitMessage = {
            type: 'init',
            envId: 'env-1',
            handlerPath: join(FIXTURES, 'typed.ts'),
            handlerExport: 'handler',
            env: {},
            cwd: FIXTURES,
            tsxHook: join(FIXTURES, 'no-such-package', 'tsx', 'cjs.js'),
          };
          child.send(init);
        } else if (message.type === 'initDone') resolve(message);
      });
    });
  } finally {
    child.kill();
  }
}

describe.each(['process-main', 'light-main'] as const)('%s without tsx', (name) => {
  it('fails the init of a TypeScript handler with an error naming what to install', async () => {
    const done = await initWithoutTsx(name);
    expect(done.error?.errorType).toBe('Runtime.ImportModuleError');
    expect(done.error?.errorMessage).toBe(
      `${join(FIXTURES, 'typed.ts')} is TypeScript, which the emulator loads through tsx: install it (npm install --save-dev tsx) or compile the handler to JavaScript`,
    );
  });
});
