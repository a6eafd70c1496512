import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { TargetPolicy, Thermostat } from '../../construct';
import { fn, importedTargets, newStack } from './stacks';

const CHECKOUT_FILE = 'test/fixtures/construct/policies/checkout-api.yaml';

function warnings(build: (stack: ReturnType<typeof newStack>) => void): string[] {
  const stack = newStack();
  build(stack);
  return Annotations.fromStack(stack)
    .findWarning('*', Match.anyValue())
    .map((w) => String(w.entry.data));
}

describe('synth-time warnings', () => {
  test('a window that earlier windows fully cover never applies', () => {
    const found = warnings((stack) => {
      new Thermostat(stack, 'Thermostat', {
        targets: [
          {
            function: fn(stack, 'Api', { functionName: 'api' }),
            policy: TargetPolicy.fromObject({
              windows: [
                {
                  name: 'weekdays',
                  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
                  from: '08:00',
                  to: '20:00',
                  warm: { concurrency: 3 },
                },
                { name: 'mornings', days: ['mon', 'wed'], from: '09:00', to: '12:00', warm: { concurrency: 5 } },
                { name: 'evenings', from: '19:00', to: '21:00', warm: { concurrency: 2 } },
              ],
            }),
          },
        ],
      });
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^targets\[0\] \(api\): windows\[1\] in targets\[0\]\.policy never applies: earlier windows cover all of its time/,
      ),
    ]);
  });

  test('an alias with provisioned concurrency of its own and a policy that can ask for it: two owners', () => {
    const found = warnings((stack) => {
      const base = fn(stack, 'Api', { functionName: 'api' });
      const fixed = base.addAlias('live', { provisionedConcurrentExecutions: 2 });
      const scaled = fn(stack, 'Batch', { functionName: 'batch' }).addAlias('live');
      scaled.addAutoScaling({ maxCapacity: 4 });
      const quiet = fn(stack, 'Quiet', { functionName: 'quiet' }).addAlias('live', {
        provisionedConcurrentExecutions: 1,
      });
      const provisioned = TargetPolicy.fromObject({ mode: 'provisioned', provisioned: { min: 1 } });
      new Thermostat(stack, 'Thermostat', {
        targets: [
          { function: fixed, policy: provisioned },
          { function: scaled, policy: provisioned },
          // a warm-only policy never touches provisioned concurrency: no conflict
          { function: quiet, policy: TargetPolicy.fromObject({ mode: 'warm' }) },
        ],
      });
    });
    expect(found).toEqual([
      expect.stringMatching(/^targets\[0\] \(api:live\): the alias also has provisioned concurrency from CDK/),
      expect.stringMatching(/^targets\[1\] \(batch:live\): the alias also has provisioned concurrency from CDK/),
    ]);
  });

  test('values known only at deploy time are named as not checked', () => {
    const found = warnings((stack) => {
      const unnamed = fn(stack, 'Unnamed').addAlias('live');
      new Thermostat(stack, 'Thermostat', {
        targets: [{ function: unnamed, policy: TargetPolicy.fromFile(CHECKOUT_FILE) }],
      });
    });
    expect(found).toEqual([
      'targets[0] (Test/Unnamed:live): the function name (so the policy\'s function "checkout-api" was not compared) is known only at deploy time, so it could not be checked at synth [ack: thermostat:unchecked]',
    ]);
  });
});

test('more than 200 per-target alarms: a warning, since a stack holds at most 500 resources', () => {
  const found = warnings((stack) => {
    new Thermostat(stack, 'Thermostat', { targets: importedTargets(stack, 201), warmRatioObjective: 0.9 });
  });
  // 201 warm-ratio alarms and 3 shortfall alarms (importedTargets asks for detail on every 100th)
  expect(found.filter((w) => w.includes('per-target alarms'))).toEqual([
    expect.stringMatching(/^204 per-target alarms \(warm-ratio objectives and detailedMetrics\)/),
  ]);
});
