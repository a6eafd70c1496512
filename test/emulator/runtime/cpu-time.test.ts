import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clients, testEmulator } from '../helpers';

describe('the CPU time an environment spends', () => {
  it('is measured per invocation in process environments: computing counts, waiting does not', async () => {
    const emulator = await testEmulator({
      environment: 'process',
      functions: [{ name: 'cpu', handler: 'cpu.js' }],
    });
    try {
      const { lambda } = clients(emulator);
      const invoke = async (event: { spinMs?: number; waitMs?: number }) => {
        await lambda.send(new InvokeCommand({ FunctionName: 'cpu', Payload: JSON.stringify(event) }));
        const [env] = emulator.environments('cpu');
        return env!;
      };
      // The handler spins until its process has used 200 ms of CPU, however long the machine makes that take.
      const spinning = await invoke({ spinMs: 200 });
      expect(spinning.initCpuMs).toBeGreaterThan(0);
      expect(spinning.lastInvocationCpuMs).toBeGreaterThanOrEqual(200);
      const waiting = await invoke({ waitMs: 300 });
      expect(waiting.invocations).toBe(2);
      // 300 ms asleep in a timer: a few milliseconds of CPU for the runtime's own messages, far from the wait.
      expect(waiting.lastInvocationCpuMs).toBeLessThan(100);
      expect(waiting.invocationsCpuMs).toBeCloseTo(spinning.lastInvocationCpuMs! + waiting.lastInvocationCpuMs!, 6);
    } finally {
      await emulator.stop();
    }
  });

  it('is not told for light environments, whose threads share one process', async () => {
    const emulator = await testEmulator({
      environment: 'light',
      functions: [{ name: 'cpu', handler: 'cpu.js' }],
    });
    try {
      await clients(emulator).lambda.send(
        new InvokeCommand({ FunctionName: 'cpu', Payload: JSON.stringify({ spinMs: 20 }) }),
      );
      const [env] = emulator.environments('cpu');
      expect(env!.invocations).toBe(1);
      expect(env!.lastInvocationCpuMs).toBeUndefined();
      expect(env!.initCpuMs).toBeUndefined();
    } finally {
      await emulator.stop();
    }
  });
});
