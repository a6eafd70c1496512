import type { Emulator, EmulatorSnapshot } from '../../emulator';
import { clients, echo, testEmulator } from './helpers';

describe('inspection API over HTTP', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await testEmulator({ functions: [{ name: 'echo', handler: 'echo.js' }] });
    await echo(clients(emulator).lambda, 'echo', { log: 'visible line' });
  });
  afterAll(() => emulator.stop());

  const get = async (path: string) => {
    const response = await fetch(`${emulator.endpoint}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('serves the state: environments per function with their state and counts', async () => {
    const { status, body } = await get('/_emulator/state');
    expect(status).toBe(200);
    const state = body as EmulatorSnapshot;
    expect(state.endpoint).toBe(emulator.endpoint);
    const fn = state.functions.find((f) => f.name === 'echo')!;
    expect(fn.counts).toMatchObject({ invocations: 1, cold: 1, warm: 0 });
    expect(fn.environments).toEqual([
      expect.objectContaining({
        state: 'idle',
        kind: 'light',
        version: '$LATEST',
        initType: 'on-demand',
        invocations: 1,
      }),
    ]);
  });

  it('serves logs, events, metrics and environments', async () => {
    const logs = (await get('/_emulator/logs?function=echo')).body as { text: string }[];
    expect(logs.some((line) => line.text.endsWith('\tINFO\tvisible line'))).toBe(true);
    expect((await get('/_emulator/events')).body).toEqual([]);
    const metrics = (await get('/_emulator/metrics')).body as { name: string }[];
    expect(metrics.map((m) => m.name)).toContain('Invocations');
    expect(((await get('/_emulator/environments?function=echo')).body as unknown[]).length).toBe(1);
  });

  it('injects and clears faults', async () => {
    const created = await fetch(`${emulator.endpoint}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'throttle', functionName: 'echo' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(emulator.inspect().faults.map((f) => f.id)).toEqual([id]);
    const bad = await fetch(`${emulator.endpoint}/_emulator/faults`, { method: 'POST', body: '{"kind":"melt"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('fault kind "melt" is unknown');
    expect((await fetch(`${emulator.endpoint}/_emulator/faults/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(emulator.inspect().faults).toEqual([]);
  });

  it('answers an unknown inspection path with 404', async () => {
    expect((await get('/_emulator/nothing')).status).toBe(404);
  });
});
