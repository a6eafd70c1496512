import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';
import { fixtureClock, spreadTraffic } from '../../fixtures/controller/spread-traffic';

const warm = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });
const at = (time: string) => new Date(`2026-11-23T${time}Z`);

let harness: Harness;
const clock = fixtureClock();
let scheduler: SchedulerClient;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    functions: [
      warm('api'),
      warm('web'),
      warm('auto'),
      warm('idle'),
      { ...warm('busy'), env: clock.env },
      { ...warm('heard'), env: clock.env },
    ],
  });
  scheduler = new SchedulerClient(harness.emulator.clientConfig());
  // The construct's schedule, as CloudFormation would create it: the controller only ever updates it.
  await scheduler.send(
    new CreateScheduleCommand({
      Name: 'shop-tick',
      ScheduleExpression: 'rate(1 minute)',
      Description: 'Thermostat tick (shop)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:123456789012:function:controller',
        RoleArn: 'arn:aws:iam::123456789012:role/schedule',
        Input: '{"source":"thermostat.schedule"}',
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    }),
  );
});
afterAll(async () => {
  scheduler?.destroy();
  await harness?.stop();
  clock.remove();
});

describe('the controller pauses its schedule while nothing is due', () => {
  it('after a round, pauses until the next one is due, keeping the rest of the schedule as it was', async () => {
    const controller = harness.controller([{ function: 'api', qualifier: 'live', warm: { interval: '5m' } }], {
      THERMOSTAT_SCHEDULE: 'default/shop-tick',
      THERMOSTAT_TICK_SECONDS: '60',
    });
    // the round proved its environment: nothing due until the next, 5 minutes on less the schedule's tolerance
    const pinged = await controller.tick('2026-11-23T10:00:00Z');
    expect(pinged.totals.pingsSent).toBe(1);
    expect(pinged.status).toBe('completed');
    expect(pinged.nextTick).toMatchObject({ paused: true, at: at('10:04:30').toISOString() });
    const after = await scheduler.send(new GetScheduleCommand({ Name: 'shop-tick' }));
    expect(after.StartDate).toEqual(at('10:04:30'));
    expect(after).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      Description: 'Thermostat tick (shop)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:123456789012:function:controller',
        Input: '{"source":"thermostat.schedule"}',
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    });

    // the tick the pause ends on does the round
    const due = await controller.tick('2026-11-23T10:05:00Z');
    expect(due.totals.pingsSent).toBe(1);
    expect(due.totals.coldEnvironments).toBe(0);
  });

  it('a schedule it cannot update is reported, and the tick is still complete', async () => {
    const controller = harness.controller([{ function: 'api', qualifier: 'live', warm: { interval: '5m' } }], {
      THERMOSTAT_SCHEDULE: 'default/not-there',
    });
    const waiting = await controller.tick('2026-11-23T11:00:00Z');
    expect(waiting.totals.pingsSent).toBe(1);
    expect(waiting.status).toBe('completed');
    expect(waiting.nextTick).toMatchObject({ paused: false, error: expect.stringMatching(/not-there/) });
    expect(controller.log.lines.some((line) => /could not pause the schedule/.test(line.message))).toBe(true);
  });

  it('does not pause after a tick that did not do everything it wanted', async () => {
    const controller = harness.controller(
      [
        { function: 'api', qualifier: 'live', warm: { interval: '5m' } },
        { function: 'ghost', qualifier: 'live', warm: { interval: '5m' } },
      ],
      { THERMOSTAT_SCHEDULE: 'default/shop-tick' },
    );
    const before = harness.emulator.schedules.get('shop-tick')!.updates;
    const pinged = await controller.tick('2026-11-23T12:00:00Z');
    expect(pinged.nextTick).toMatchObject({ paused: false, why: 'the tick did not do everything it wanted' });
    const waiting = await controller.tick('2026-11-23T12:01:00Z');
    expect(waiting.nextTick).toMatchObject({ paused: false });
    expect(harness.emulator.schedules.get('shop-tick')!.updates).toBe(before);
  });

  it('moves a target that started off the grid onto it, so rounds share ticks and the controller wakes once', async () => {
    const env = { THERMOSTAT_SCHEDULE: 'default/shop-tick', THERMOSTAT_TICK_SECONDS: '60' };
    const api = { function: 'api', qualifier: 'live', warm: { interval: '5m' } };
    const web = { function: 'web', qualifier: 'live', warm: { interval: '5m' } };
    expect((await harness.controller([api], env).tick('2026-11-23T13:00:00Z')).totals.pingsSent).toBe(1);
    // web joins two minutes later: its first round, then one early round at 13:05 puts it on api's grid
    const both = harness.controller([api, web], env);
    const joined = await both.tick('2026-11-23T13:02:00Z');
    expect(joined.totals.pingsSent).toBe(1);
    expect(joined.nextTick).toMatchObject({ paused: true, at: at('13:04:30').toISOString() });
    const shared = await both.tick('2026-11-23T13:05:00Z');
    expect(shared.totals.pingsSent).toBe(2);
    const webReport = shared.targets.find((target) => target.target === 'web:live')!;
    expect(webReport.decisions.map((decision) => decision.reason).join(' ')).toMatch(/5m grid other targets share/);
    // from here on one tick serves both: the pause runs to the next shared round
    expect(shared.nextTick).toMatchObject({ paused: true, at: at('13:09:30').toISOString() });
    expect((await both.tick('2026-11-23T13:10:00Z')).totals.pingsSent).toBe(2);
  });

  it('in auto mode, plans the target again with what its round showed and pauses when that changes nothing', async () => {
    const env = { THERMOSTAT_SCHEDULE: 'default/shop-tick', THERMOSTAT_TICK_SECONDS: '60' };
    const controller = harness.controller(
      [{ function: 'auto', qualifier: 'live', mode: 'auto', warm: { interval: '5m' } }],
      env,
    );
    const pinged = await controller.tick('2026-11-23T14:00:00Z');
    expect(pinged.totals.pingsSent).toBe(1);
    // the proofs showed no traffic that would ask for more: no tick is spent to look again
    expect(pinged.nextTick).toMatchObject({ paused: true, at: at('14:04:30').toISOString() });
  });

  it('in auto mode, pauses past the next round when the round shows the traffic keeps the function warm', async () => {
    // ten real requests about a minute apart over the last ten minutes
    await spreadTraffic(harness.emulator, clock.file, 'busy', 10, 10 * 60_000);
    const env = { THERMOSTAT_SCHEDULE: 'default/shop-tick', THERMOSTAT_TICK_SECONDS: '60' };
    const controller = harness.controller([{ function: 'busy', qualifier: 'live', mode: 'auto' }], env);
    // the controller's clock is the emulator's here: the last request above was moments ago
    const now = Date.now();
    const pinged = await controller.tick(new Date(now).toISOString());
    expect(pinged.totals.pingsSent).toBe(1);
    // its environment was never idle for long: no round is due until the traffic is checked again, 25 to 30
    // minutes on (the check falls on the 5-minute grid before the 30-minute horizon)
    const next = Date.parse(pinged.nextTick!.at);
    expect(pinged.nextTick).toMatchObject({ paused: true });
    expect(next).toBeGreaterThan(now + 24 * 60_000);
    expect(next).toBeLessThanOrEqual(now + 30 * 60_000);
  });

  it('a new environment saves what its round heard when an earlier one pinged the target: a pause past the reclaim loses nothing twice', async () => {
    await spreadTraffic(harness.emulator, clock.file, 'heard', 10, 10 * 60_000);
    const policy = [{ function: 'heard', qualifier: 'live', warm: { interval: '1m' } }];
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    // the first controller environment: a first round of one environment goes to the ping ledger, what it heard to
    // the environment's memory (an item is not worth writing for an instant of history)
    const first = await harness.controller(policy).tick(new Date(minute).toISOString());
    expect(first.targets[0]).toMatchObject({ status: 'ok', state: 'ledger' });
    // a paused controller's next tick starts in a new environment (another runtime here): the first one went with
    // its memory, the ledger knows its round, so this round writes what it heard instead of keeping it in memory
    await spreadTraffic(harness.emulator, clock.file, 'heard', 3, 60_000);
    const next = await harness.controller(policy).tick(new Date(minute + 2 * 60_000).toISOString());
    expect(next.targets[0]).toMatchObject({ status: 'ok', state: 'saved' });
    const loaded = await harness.controller(policy).deps.state.loadTargets(['heard:live']);
    expect(loaded.get('heard:live')?.traffic?.environments[0]?.realServed).toBeGreaterThanOrEqual(13);
  });

  it('pauses up to two hours when every deployment ticks, and up to 30 minutes when one may not', async () => {
    const off = [{ function: 'idle', qualifier: 'live', mode: 'off' }];
    const schedule = { THERMOSTAT_SCHEDULE: 'default/shop-tick', THERMOSTAT_TICK_SECONDS: '60' };
    // warmOnDeploy: a changed policy ticks at once, so nothing here needs a look sooner
    const ticking = harness.controller(off, { ...schedule, THERMOSTAT_TICKS_ON_DEPLOY: 'true' });
    const long = await ticking.tick('2026-11-23T16:00:00Z');
    expect(long.nextTick).toMatchObject({ paused: true, at: at('18:00:00').toISOString() });
    expect((await scheduler.send(new GetScheduleCommand({ Name: 'shop-tick' }))).StartDate).toEqual(at('18:00:00'));
    // without it, a changed policy would wait for the pause to end
    const quiet = harness.controller(off, schedule);
    const short = await quiet.tick('2026-11-23T17:00:00Z');
    expect(short.nextTick).toMatchObject({ paused: true, at: at('17:30:00').toISOString() });
    expect(short.nextTick?.why).toMatch(/nothing due within 30 minutes/);
  });
});
