import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clients, payloadOf, testEmulator } from '../helpers';

describe('process environments and ES modules', () => {
  it('imports an .mjs handler with top-level await, which require cannot load', async () => {
    const emulator = await testEmulator({
      environment: 'process',
      functions: [{ name: 'esm-await', handler: 'esm-await.mjs' }],
    });
    try {
      const output = await clients(emulator).lambda.send(
        new InvokeCommand({ FunctionName: 'esm-await', Payload: JSON.stringify({ n: 1 }) }),
      );
      expect(output.FunctionError).toBeUndefined();
      expect(payloadOf(output)).toEqual({ loadedBy: 'import', event: { n: 1 } });
    } finally {
      await emulator.stop();
    }
  });
});
