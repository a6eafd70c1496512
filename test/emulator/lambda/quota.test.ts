import {
  GetAccountSettingsCommand,
  GetFunctionCommand,
  InvalidParameterValueException,
  ListFunctionsCommand,
  ListTagsCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { ManualClock } from '../../../emulator';
import { clients, testEmulator } from '../helpers';

describe('control-plane quota', () => {
  it('refuses beyond the quota with Retry-After and counts every request per second', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 10, 0, 0));
    const emulator = await testEmulator({ clock, controlPlaneRps: 3, functions: [{ name: 'f', handler: 'echo.js' }] });
    const { lambda } = clients(emulator);
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        outcomes.push(
          await lambda.send(new GetAccountSettingsCommand({})).then(
            () => 'ok',
            (error: unknown) => {
              expect(error).toBeInstanceOf(TooManyRequestsException);
              expect((error as TooManyRequestsException).retryAfterSeconds).toBe('1');
              expect((error as TooManyRequestsException).Reason).toBe('CallerRateLimitExceeded');
              return 'throttled';
            },
          ),
        );
      }
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'throttled', 'throttled']);
      // GetFunction has its own quota and is not counted in the control plane's.
      await lambda.send(new GetFunctionCommand({ FunctionName: 'f' }));
      await clock.advance(1_000);
      await lambda.send(new GetAccountSettingsCommand({}));
      const { control, getFunction } = emulator.quotas({ reset: true });
      const first = Math.floor(clock.now() / 1000) - 1;
      expect(control).toMatchObject({ perSecond: 3, accepted: 4, throttled: 2 });
      expect(control.seconds).toEqual([
        { second: first, accepted: 3, throttled: 2 },
        { second: first + 1, accepted: 1, throttled: 0 },
      ]);
      expect(getFunction).toMatchObject({ accepted: 1, throttled: 0 });
      expect(emulator.quotas().control.seconds).toEqual([]);
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
  });
});

describe('tags', () => {
  it('serves tags through GetFunction and ListTags, and follows setTags', async () => {
    const emulator = await testEmulator({
      functions: [
        { name: 'tagged', handler: 'echo.js', tags: { 'thermostat:policy': 'api' } },
        { name: 'plain', handler: 'echo.js' },
      ],
    });
    const { lambda } = clients(emulator);
    const arn = (name: string) => `arn:aws:lambda:${emulator.region}:${emulator.accountId}:function:${name}`;
    try {
      expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags).toEqual({
        'thermostat:policy': 'api',
      });
      expect((await lambda.send(new ListTagsCommand({ Resource: arn('plain') }))).Tags).toEqual({});
      emulator.setTags('plain', { team: 'blue' });
      expect((await lambda.send(new ListTagsCommand({ Resource: arn('plain') }))).Tags).toEqual({ team: 'blue' });
      const qualified = await lambda.send(new ListTagsCommand({ Resource: `${arn('plain')}:1` })).catch((e) => e);
      expect(qualified).toBeInstanceOf(InvalidParameterValueException);
      const listed = await lambda.send(new ListFunctionsCommand({}));
      expect(listed.Functions?.map((fn) => fn.FunctionArn)).toEqual([arn('tagged'), arn('plain')]);
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
  });
});
