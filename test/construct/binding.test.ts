import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TargetPolicy, Thermostat, ThermostatConfigError } from '../../construct';
import { bindTargets, portableSource } from '../../construct/binding';
import { PolicyValidationError } from '../../controller/policy';
import { FIXTURES, fn, newStack, POLICIES } from './stacks';

const CHECKOUT_FILE = join(POLICIES, 'checkout-api.yaml');

function bindError(run: () => unknown): ThermostatConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ThermostatConfigError) return error;
    throw error;
  }
  throw new Error('expected a ThermostatConfigError');
}

describe('bindTargets: a policy file with an invalid field', () => {
  test('fails synth naming the file, the field and the reason', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Broken');
    const checkout = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');

    // WHEN / THEN: CDK's validation reports it with the construct path
    new Thermostat(stack, 'Thermostat', {
      targets: [
        { function: checkout, policy: TargetPolicy.fromFile('test/fixtures/construct/broken/checkout-api.yaml') },
      ],
    });
    expect(() => app.synth()).toThrow(
      '[Broken/Thermostat] targets[0] (checkout-api:live): test/fixtures/construct/broken/checkout-api.yaml: warm.concurrency: expected a whole number from 1 to 1000, got 0 (line 5, column 16)',
    );
    // bindTargets on its own throws one error with the policy module's issues as the cause
    const error = bindError(() =>
      bindTargets([
        { function: checkout, policy: TargetPolicy.fromFile('test/fixtures/construct/broken/checkout-api.yaml') },
      ]),
    );
    expect(error.message).toMatch(/^invalid thermostat target:/);
    expect(error.cause).toBeInstanceOf(PolicyValidationError);
    expect((error.cause as PolicyValidationError).issues).toEqual([
      expect.objectContaining({ file: 'test/fixtures/construct/broken/checkout-api.yaml', path: 'warm.concurrency' }),
    ]);
  });

  test('reports every broken target at once', () => {
    const stack = newStack();
    const a = fn(stack, 'A', { functionName: 'checkout-api' }).addAlias('live');
    const b = fn(stack, 'B', { functionName: 'b' });
    const error = bindError(() =>
      bindTargets([
        { function: a, policy: TargetPolicy.fromDirectory(join(FIXTURES, 'broken')) },
        { function: b, policy: TargetPolicy.fromObject({ warm: { holdMs: 1 } }) },
      ]),
    );
    expect(error.message).toMatch(/^2 invalid thermostat targets:/);
    expect(error.message).toContain(
      'targets[1] (b): targets[1].policy: warm.holdMs: expected a whole number from 50 to 10000, got 1',
    );
  });
});

describe('bindTargets: matching the policy to the CDK target', () => {
  test('fails when the policy names another function', () => {
    const stack = newStack();
    const orders = fn(stack, 'Orders', { functionName: 'orders' }).addAlias('live');
    const error = bindError(() => bindTargets([{ function: orders, policy: TargetPolicy.fromFile(CHECKOUT_FILE) }]));
    expect(error.message).toContain(
      'is for function "checkout-api" but the target is function "orders"; set function: orders in the policy',
    );
  });

  test('fails when the qualifier differs from the alias', () => {
    const stack = newStack();
    const canary = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('canary');
    const error = bindError(() => bindTargets([{ function: canary, policy: TargetPolicy.fromFile(CHECKOUT_FILE) }]));
    expect(error.message).toContain('has qualifier "live" but the target is alias "canary"; set qualifier: canary');
  });

  test('fails when a policy for an alias is given the function itself', () => {
    const stack = newStack();
    const checkout = fn(stack, 'Checkout', { functionName: 'checkout-api' });
    const error = bindError(() => bindTargets([{ function: checkout, policy: TargetPolicy.fromFile(CHECKOUT_FILE) }]));
    expect(error.message).toContain(
      "the target is the function itself ($LATEST); pass the alias or version as the target (e.g. fn.addAlias('live'))",
    );
  });

  test('fails when a $LATEST policy is given an alias', () => {
    const stack = newStack();
    const inbox = fn(stack, 'Inbox', { functionName: 'inbox' }).addAlias('live');
    const error = bindError(() =>
      bindTargets([{ function: inbox, policy: TargetPolicy.fromFile(join(POLICIES, 'inbox.yaml')) }]),
    );
    expect(error.message).toContain(
      'has no qualifier (it targets $LATEST) but the target is alias "live"; add qualifier: live',
    );
  });

  test('fails when a policy ARN names another region or account', () => {
    const stack = newStack();
    const inbox = fn(stack, 'Inbox', { functionName: 'inbox' });
    const policy = TargetPolicy.fromObject({ function: 'arn:aws:lambda:us-east-1:999999999999:function:inbox' });
    const error = bindError(() => bindTargets([{ function: inbox, policy }]));
    expect(error.message).toContain('names region us-east-1 but the target is in eu-west-1; fix the ARN');
    expect(error.message).toContain('names account 999999999999 but the target is in 123456789012; fix the ARN');
  });

  test('skips names that are tokens instead of guessing them', () => {
    const stack = newStack();
    const unnamed = fn(stack, 'Unnamed').addAlias('live');
    const [bound] = bindTargets([{ function: unnamed, policy: TargetPolicy.fromFile(CHECKOUT_FILE) }]);
    expect(bound!.loaded.policy.function).toBe('checkout-api');
    expect(bound!.ref.qualifier).toBe('live');
  });

  test('fails when a directory must be searched for a target whose name is a token', () => {
    const stack = newStack();
    const unnamed = fn(stack, 'Unnamed').addAlias('live');
    const error = bindError(() => bindTargets([{ function: unnamed, policy: TargetPolicy.fromDirectory(POLICIES) }]));
    expect(error.message).toContain('cannot tell which policy in');
    expect(error.message).toContain('(checkout-api:live, inbox:$LATEST, reports:live)');
  });

  test('picks the policy of the target from a directory and a multi-policy file', () => {
    const stack = newStack();
    const checkout = fn(stack, 'Checkout', { functionName: 'checkout-api' });
    const [live, canary] = bindTargets([
      { function: checkout.addAlias('live'), policy: TargetPolicy.fromDirectory(POLICIES) },
      { function: checkout.addAlias('canary'), policy: TargetPolicy.fromFile(join(FIXTURES, 'two-policies.yaml')) },
    ]);
    // the directory's defaults document applies
    expect(live!.loaded.policy).toMatchObject({
      qualifier: 'live',
      timezone: 'Europe/Paris',
      warm: { concurrency: 2 },
    });
    expect(canary!.loaded.policy).toMatchObject({ qualifier: 'canary', warm: { concurrency: 1 } });
  });

  test('fails when no policy in the directory is for the target', () => {
    const stack = newStack();
    const other = fn(stack, 'Other', { functionName: 'other' });
    const error = bindError(() => bindTargets([{ function: other, policy: TargetPolicy.fromDirectory(POLICIES) }]));
    expect(error.message).toContain('is for other:$LATEST (found checkout-api:live, inbox:$LATEST, reports:live)');
  });

  test('fails when the same alias is given twice', () => {
    const stack = newStack();
    const live = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');
    const policy = TargetPolicy.fromFile(CHECKOUT_FILE);
    const error = bindError(() =>
      bindTargets([
        { function: live, policy },
        { function: live, policy },
      ]),
    );
    expect(error.message).toContain('targets[1] (checkout-api:live): the same function and qualifier as targets[0]');
  });

  test('fails when two targets whose names are tokens get policies with the same key', () => {
    const stack = newStack();
    const policy = TargetPolicy.fromFile(CHECKOUT_FILE);
    const error = bindError(() =>
      bindTargets([
        { function: fn(stack, 'A').addAlias('live'), policy },
        { function: fn(stack, 'B').addAlias('live'), policy },
      ]),
    );
    expect(error.message).toContain(
      'its policy has the same function and qualifier (checkout-api:live) as the policy of targets[0]; name each function as deployed in its policy',
    );
  });

  test('fails clearly on a missing file and on a file given as a directory (and the reverse)', () => {
    const stack = newStack();
    const inbox = fn(stack, 'Inbox', { functionName: 'inbox' });
    expect(
      bindError(() => bindTargets([{ function: inbox, policy: TargetPolicy.fromFile('no/such.yaml') }])).message,
    ).toContain('no/such.yaml: cannot read: no such file or directory');
    expect(
      bindError(() => bindTargets([{ function: inbox, policy: TargetPolicy.fromFile(POLICIES) }])).message,
    ).toContain('is a directory; use TargetPolicy.fromDirectory(');
    expect(
      bindError(() => bindTargets([{ function: inbox, policy: TargetPolicy.fromDirectory(CHECKOUT_FILE) }])).message,
    ).toContain('is a file, not a directory; use TargetPolicy.fromFile(');
  });
});

describe('bindTargets: inline policies', () => {
  test('take function and qualifier from the target and inherit the construct defaults', () => {
    const stack = newStack();
    const live = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');
    const [bound] = bindTargets([{ function: live, policy: TargetPolicy.fromObject({ warm: { concurrency: 4 } }) }], {
      defaults: { timezone: 'Asia/Tokyo', warm: { holdMs: 400 } },
    });
    expect(bound!.loaded.file).toBe('targets[0].policy');
    expect(bound!.loaded.policy).toEqual({
      function: 'checkout-api',
      qualifier: 'live',
      timezone: 'Asia/Tokyo',
      warm: { concurrency: 4, holdMs: 400 },
    });
  });

  test('use a unique stand-in name when the function name is a token', () => {
    const stack = newStack();
    const [a, b] = bindTargets([
      { function: fn(stack, 'My.Fn'), policy: TargetPolicy.fromObject({ mode: 'warm' }) },
      { function: fn(stack, 'Other'), policy: TargetPolicy.fromObject({ mode: 'warm' }) },
    ]);
    expect(a!.loaded.policy.function).toBe('My-Fn-t0');
    expect(b!.loaded.key).toBe('Other-t1:$LATEST');
    expect(a!.ref.qualifier).toBeUndefined();
  });

  test('fail when they name another function', () => {
    const stack = newStack();
    const error = bindError(() =>
      bindTargets([
        {
          function: fn(stack, 'A', { functionName: 'a' }),
          policy: TargetPolicy.fromObject({ function: 'b', mode: 'warm' }),
        },
      ]),
    );
    expect(error.message).toContain('is for function "b" but the target is function "a"');
  });
});

describe('bindTargets: what only the construct knows', () => {
  test('fails when holdMs does not leave half of the function timeout', () => {
    const stack = newStack();
    const short = fn(stack, 'Short', { functionName: 'short', timeout: Duration.seconds(3) });
    const error = bindError(() =>
      bindTargets([{ function: short, policy: TargetPolicy.fromObject({ warm: { holdMs: 2000 } }) }]),
    );
    expect(error.message).toContain(
      'targets[0].policy: warm.holdMs: 2000 ms is more than half the function timeout (3s)',
    );
  });

  test('fails when a SnapStart version is given a provisioned-concurrency policy', () => {
    const stack = newStack();
    const java = new lambda.Function(stack, 'Java', {
      functionName: 'java',
      runtime: lambda.Runtime.JAVA_21,
      handler: 'App::handle',
      code: lambda.Code.fromAsset(POLICIES),
      timeout: Duration.seconds(30),
      snapStart: lambda.SnapStartConf.ON_PUBLISHED_VERSIONS,
    });
    const live = java.addAlias('live');
    const error = bindError(() =>
      bindTargets([
        { function: live, policy: TargetPolicy.fromObject({ mode: 'provisioned', provisioned: { min: 1 } }) },
      ]),
    );
    expect(error.message).toContain('SnapStart on its published versions and Lambda refuses provisioned concurrency');
    expect(() => bindTargets([{ function: live, policy: TargetPolicy.fromObject({ mode: 'warm' }) }])).not.toThrow();
  });

  test('records which modes a policy can reach and whether it needs provisioned concurrency or autoscaling', () => {
    const stack = newStack();
    const reports = fn(stack, 'Reports', { functionName: 'reports' }).addAlias('live');
    const checkout = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');
    const [r, c] = bindTargets([
      { function: reports, policy: TargetPolicy.fromDirectory(POLICIES) },
      { function: checkout, policy: TargetPolicy.fromDirectory(POLICIES) },
    ]);
    expect(r).toMatchObject({ id: 't0', modes: ['off', 'provisioned'], usesProvisioned: true, usesAutoscaling: true });
    expect(c).toMatchObject({
      id: 't1',
      modes: ['warm'],
      usesProvisioned: false,
      usesAutoscaling: false,
      warmRatioObjective: 0.9,
    });
  });

  test('takes the warm-ratio objective from the target, then the policy, then the construct', () => {
    const stack = newStack();
    const checkout = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');
    const inbox = fn(stack, 'Inbox', { functionName: 'inbox' });
    const policies = TargetPolicy.fromDirectory(POLICIES);
    const bound = bindTargets(
      [
        { function: checkout, policy: policies, warmRatioObjective: 0.99 },
        { function: inbox, policy: policies },
      ],
      { warmRatioObjective: 0.5 },
    );
    expect(bound.map((t) => t.warmRatioObjective)).toEqual([0.99, 0.5]);
    const error = bindError(() => bindTargets([{ function: inbox, policy: policies, warmRatioObjective: 95 }]));
    expect(error.message).toContain('warmRatioObjective must be above 0 and at most 1, got 95; write 0.95 for 95%');
  });
});

describe('portableSource', () => {
  test('is relative to the enclosing package, whatever the working directory', () => {
    expect(portableSource(CHECKOUT_FILE, '/')).toBe('test/fixtures/construct/policies/checkout-api.yaml');
    expect(portableSource('policies/checkout-api.yaml', POLICIES.replace(/policies$/, ''))).toBe(
      'test/fixtures/construct/policies/checkout-api.yaml',
    );
  });
});
