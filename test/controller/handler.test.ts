import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerConfigError } from '../../controller/errors';
import { createRuntime } from '../../controller/handler';

describe('createRuntime', () => {
  it('says which variable is missing', () => {
    expect(() => createRuntime({}, __dirname)).toThrow(ControllerConfigError);
    expect(() => createRuntime({}, __dirname)).toThrow('THERMOSTAT_TABLE is not set; it names the state table');
  });

  it('starts shards under the unqualified name Lambda gives the function (the construct grants exactly that)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-runtime-'));
    try {
      writeFileSync(join(dir, 'policies.json'), JSON.stringify({ policies: [{ function: 'api' }] }));
      const env = { THERMOSTAT_TABLE: 'state', AWS_REGION: 'eu-west-1' };
      const inLambda = createRuntime({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'Stack-Controller-1A2B' }, dir);
      const elsewhere = createRuntime(env, dir);
      expect(inLambda.deps.self).toBe('Stack-Controller-1A2B');
      expect(elsewhere.deps.self).toBeUndefined();
      for (const runtime of [inLambda, elsewhere])
        for (const client of Object.values(runtime.clients)) client.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
