import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNSHARED_DISPATCH_MS_PER_PING } from '../../controller/contract';
import { ControllerConfigError } from '../../controller/errors';
import type { Policy } from '../../controller/policy';
import { configFromEnv, endpointsFromEnv, largestRound, socketPoolSize } from '../../controller/wiring';

describe('configFromEnv', () => {
  it('reads the tunables and rejects nonsense with the variable’s name', () => {
    const config = configFromEnv({
      THERMOSTAT_SHARD_SIZE: '100',
      THERMOSTAT_MAX_ROUNDS: '2',
      THERMOSTAT_TICK_SHARE: '0.3',
      THERMOSTAT_DISPATCH_MS_PER_PING: '25',
    });
    expect(config).toMatchObject({ shardSize: 100, tickShare: 0.3, warm: { maxRounds: 2, dispatchMsPerPing: 25 } });
    expect(configFromEnv({}).warm.dispatchMsPerPing).toBe(UNSHARED_DISPATCH_MS_PER_PING);
    expect(() => configFromEnv({ THERMOSTAT_DISPATCH_MS_PER_PING: '-1' })).toThrow(
      'THERMOSTAT_DISPATCH_MS_PER_PING is "-1"; expected a number of at least 0',
    );
    expect(() => configFromEnv({ THERMOSTAT_PARALLELISM: 'lots' })).toThrow(
      'THERMOSTAT_PARALLELISM is "lots"; expected a number of at least 1',
    );
  });

  it('passes THERMOSTAT_TARGETS on as data, and fails init on a value that is not a JSON object', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:Stack-Api-1A2B:live';
    expect(configFromEnv({ THERMOSTAT_TARGETS: JSON.stringify({ 'api:live': arn }) }).targets).toEqual({
      'api:live': arn,
    });
    expect(configFromEnv({}).targets).toBeUndefined();
    expect(() => configFromEnv({ THERMOSTAT_TARGETS: 'api:live=arn' })).toThrow(ControllerConfigError);
  });
});

describe('socket pool', () => {
  const policies = [
    { function: 'a', warm: { concurrency: 5 } },
    { function: 'b', windows: [{ from: '08:00', to: '18:00', warm: { concurrency: 300 } }] },
    { function: 'c', mode: 'provisioned', qualifier: 'live', provisioned: { min: 40 } },
  ] as unknown as Policy[];

  it('is sized to the largest round any window asks for, plus room for other targets', () => {
    expect(largestRound(policies)).toBe(300);
    expect(socketPoolSize(policies, 200)).toBe(500);
    expect(socketPoolSize([], 4)).toBe(50);
    expect(socketPoolSize(policies, 32, { THERMOSTAT_MAX_SOCKETS: '80' })).toBe(80);
  });
});

describe('endpointsFromEnv', () => {
  it('follows the SDK’s AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> variables', () => {
    expect(
      endpointsFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2' }),
    ).toEqual({
      lambda: 'http://127.0.0.1:1',
      scheduler: 'http://127.0.0.1:1',
      autoscaling: 'http://127.0.0.1:1',
      cloudwatch: 'http://127.0.0.1:1',
      events: 'http://127.0.0.1:1',
      dynamodb: 'http://127.0.0.1:2',
    });
    expect(endpointsFromEnv({})).toEqual({});
  });
});

describe('configFromEnv with the construct’s configuration file', () => {
  it('reads the target map and detailed metrics from THERMOSTAT_CONFIG_FILE, with THERMOSTAT_TARGETS added', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-handler-config-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          targets: { 'api:live': 'arn:aws:lambda:eu-west-1:123456789012:function:api:live' },
          detailedMetrics: ['api:live'],
        }),
      );
      const generated = 'arn:aws:lambda:eu-west-1:123456789012:function:Stack-Web-9Z:live';
      const config = configFromEnv({
        THERMOSTAT_CONFIG_FILE: file,
        THERMOSTAT_TARGETS: JSON.stringify({ 'web:live': generated }),
      });
      expect(config.targets).toEqual({
        'api:live': 'arn:aws:lambda:eu-west-1:123456789012:function:api:live',
        'web:live': generated,
      });
      expect([...(config.detailedMetrics ?? [])]).toEqual(['api:live']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the schedule the controller may pause', () => {
  it('is named by THERMOSTAT_SCHEDULE as <group>/<name>, with the tick from THERMOSTAT_TICK_SECONDS', () => {
    expect(configFromEnv({}).schedule).toBeUndefined();
    expect(configFromEnv({ THERMOSTAT_SCHEDULE: 'default/shop-tick' }).schedule).toEqual({
      group: 'default',
      name: 'shop-tick',
      tickMs: 60_000,
      ticksOnDeploy: false,
    });
    expect(configFromEnv({ THERMOSTAT_SCHEDULE: 'team/tick', THERMOSTAT_TICK_SECONDS: '120' }).schedule?.tickMs).toBe(
      120_000,
    );
    // only the construct's literal `true` lets the pause be long: anything else keeps the short bound
    const ticks = (value: string) =>
      configFromEnv({ THERMOSTAT_SCHEDULE: 'team/tick', THERMOSTAT_TICKS_ON_DEPLOY: value }).schedule?.ticksOnDeploy;
    expect(ticks('true')).toBe(true);
    expect(ticks('false')).toBe(false);
    expect(ticks('yes')).toBe(false);
  });

  it('refuses a name it could not use, and a tick under a minute', () => {
    expect(() => configFromEnv({ THERMOSTAT_SCHEDULE: 'shop-tick' })).toThrow(
      'THERMOSTAT_SCHEDULE is "shop-tick"; expected <group>/<schedule name>',
    );
    expect(() => configFromEnv({ THERMOSTAT_SCHEDULE: 'default/a', THERMOSTAT_TICK_SECONDS: '10' })).toThrow(
      ControllerConfigError,
    );
  });
});
