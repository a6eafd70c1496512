/**
 * One Thermostat for a whole account: a thousand imported aliases, and functions enrolled by tag, synthesise
 * within AWS's limits (IAM policy sizes, Lambda's 4 KB environment, template size, resource count).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetStaging } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TargetPolicy, Thermostat } from '../../construct';
import { Actions } from '../../construct/permissions';
import { TagDiscovery } from '../../controller/discover/tag-discovery';
import { createRuntime } from '../../controller/handler';
import { breaches, Limits, measure, type TemplateJson } from './limits';
import { ACCOUNT_ARN, DISCOVERED, functionNames, importedTargets, newStack, render } from './stacks';

const DISCOVERED_TEMPLATES = join(__dirname, '..', 'fixtures', 'construct', 'discovered-templates');

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOf(template: TemplateJson): Statement[] {
  return Object.values(template.Resources)
    .flatMap((r) =>
      r.Type === 'AWS::IAM::Policy' ? [r.Properties as { PolicyDocument: { Statement: Statement[] } }] : [],
    )
    .flatMap((properties) => properties.PolicyDocument.Statement);
}

describe('one Thermostat with 1,000 imported aliases', () => {
  const stack = newStack('Account');
  const thermostat = new Thermostat(stack, 'Thermostat', { targets: importedTargets(stack, 1000) });
  const template = Template.fromStack(stack).toJSON() as TemplateJson;
  const measured = measure(template);

  test('synthesises within AWS’s limits: IAM sizes, 4 KB environment, 1 MB template, 500 resources', () => {
    expect(breaches(measured)).toEqual([]);
    // the numbers, for the README and the report
    const role = Object.keys(measured.inlinePolicyChars).find((id) => id.startsWith('ThermostatRole'))!;
    console.log(
      `1,000 targets: template ${measured.templateBytes} bytes, ${measured.resources} resources, controller role inline policy ${measured.inlinePolicyChars[role]} chars, iam scope ${thermostat.iamScope}`,
    );
    expect(measured.inlinePolicyChars[role]).toBeGreaterThan(1000);
  });

  test('IAM switches to name-prefix patterns that cover every target and no more than its prefixes', () => {
    expect(thermostat.iamScope).toBe('prefix');
    const statements = statementsOf(template);
    const targets = statements.find((s) => s.Sid === 'TargetFunctions')!;
    expect([targets.Action].flat()).toEqual(
      expect.arrayContaining([...Actions.invoke, ...Actions.readFunction, ...Actions.readQualifier]),
    );
    const patterns = [targets.Resource]
      .flat()
      .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
      .map((r) => r.replace(/.*function:/, '').replace(/"\]\]\}$/, ''));
    // every target matches a pattern; no pattern is a bare wildcard
    for (const name of functionNames(1000))
      expect(patterns.some((p) => `${name}:live`.startsWith(p.replace(/\*$/, '')))).toBe(true);
    expect(patterns.every((p) => p.length > 1 && p.endsWith('*'))).toBe(true);
    expect(patterns.length).toBeLessThan(100);
    // provisioned-concurrency writes cover only the prefixes of targets that may use it
    const writes = statements.find((s) => s.Sid === 'ManageProvisionedConcurrency')!;
    expect([writes.Resource].flat().length).toBeLessThanOrEqual(patterns.length);
  });

  test('the target map and the detailed-metrics keys travel in the asset, not the environment', () => {
    const controller = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties).includes('THERMOSTAT_CONFIG_FILE'),
    )!;
    const variables = (controller.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.THERMOSTAT_TARGETS).toBeUndefined();
    expect(variables.THERMOSTAT_CONFIG_FILE).toBe('/var/task/config.json');
    const staging = thermostat.controller.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const config = JSON.parse(readFileSync(join(staging.sourcePath, 'config.json'), 'utf8')) as {
      targets: Record<string, string>;
      detailedMetrics: string[];
    };
    expect(Object.keys(config.targets)).toHaveLength(1000);
    expect(config.targets['orders-service-0000:live']).toBe(`${ACCOUNT_ARN}:orders-service-0000:live`);
    expect(config.detailedMetrics).toHaveLength(10);
  });

  test('the dashboard stays within CloudWatch’s limits: at most 500 widgets, 50 log groups per query', () => {
    const dashboard = Object.values(template.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
    const body = JSON.parse(render(dashboard.Properties!.DashboardBody)) as {
      widgets: Array<{ type: string; properties: { query?: string } }>;
    };
    const logs = body.widgets.filter((w) => w.type === 'log');
    console.log(
      `1,000-target dashboard: ${body.widgets.length} widgets (${logs.length} Logs Insights), body ${render(dashboard.Properties!.DashboardBody).length} characters`,
    );
    expect(body.widgets.length).toBeLessThanOrEqual(500);
    // every target's log group is queried exactly once, at most 50 per widget
    const sources = logs.map((w) => (w.properties.query!.match(/SOURCE '/g) ?? []).length);
    expect(Math.max(...sources)).toBeLessThanOrEqual(50);
    expect(sources.reduce((a, b) => a + b, 0)).toBe(1000);
    // the metric widgets do not grow with the targets
    expect(body.widgets.length - logs.length).toBeLessThan(20);
  });

  test('the warm-up fingerprint hashes what synth knows instead of listing a thousand ARNs', () => {
    const warm = Object.values(template.Resources).find((r) => r.Type === 'Custom::AWS')!;
    expect(JSON.stringify(warm.Properties).length).toBeLessThan(2_000);
  });
});

describe('functions enrolled by tag', () => {
  test('need no statement per function: Lambda actions are conditioned on the discovery tag key', () => {
    const stack = newStack('Tagged');
    const thermostat = new Thermostat(stack, 'Thermostat', {
      discoverByTag: { policies: TargetPolicy.fromDirectory(DISCOVERED) },
    });
    const template = Template.fromStack(stack).toJSON() as TemplateJson;
    expect(breaches(measure(template))).toEqual([]);
    const lambdaStatements = statementsOf(template).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('lambda:') && a !== 'lambda:GetAccountSettings'),
    );
    const ours = lambdaStatements.filter((s) => s.Sid !== 'InvokeSelfForShards');
    expect(ours.map((s) => s.Sid).sort()).toEqual(['DiscoverTaggedFunctions', 'TaggedTargets']);
    const tagged = ours.find((s) => s.Sid === 'TaggedTargets')!;
    expect(tagged.Condition).toEqual({ Null: { 'aws:ResourceTag/thermostat:policy': 'false' } });
    expect(JSON.stringify(tagged.Resource)).toContain(':function:*');
    // batch-window can reach provisioned concurrency, so the writes are there too, on tagged functions only
    expect([tagged.Action].flat()).toEqual(expect.arrayContaining([...Actions.writeProvisioned]));
    expect(thermostat.shards).toBe(true);
  });

  test('reach the controller: its own runtime builder reads the asset and discovers by the construct’s tag key', () => {
    const stack = newStack('TaggedAsset');
    const thermostat = new Thermostat(stack, 'Thermostat', {
      discoverByTag: { policies: TargetPolicy.fromDirectory(DISCOVERED_TEMPLATES), tagKey: 'team:warm' },
      targets: importedTargets(stack, 1),
    });
    const staging = thermostat.controller.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const runtime = createRuntime(
      {
        THERMOSTAT_TABLE: 'state',
        THERMOSTAT_POLICY_FILE: join(staging.sourcePath, 'policies.json'),
        THERMOSTAT_CONFIG_FILE: join(staging.sourcePath, 'config.json'),
        AWS_REGION: 'us-east-1',
        THERMOSTAT_ACCOUNT: '123456789012',
        THERMOSTAT_PARTITION: 'aws',
      },
      staging.sourcePath,
    );
    try {
      // `template: nightly` in the directory is what functions tagged team:warm=nightly get
      expect(runtime.policies.templates?.map((template) => [template.name, template.policy.warm?.concurrency])).toEqual(
        [['nightly', 3]],
      );
      expect(runtime.policies.issues).toEqual([]);
      expect(runtime.deps.discovery).toBeInstanceOf(TagDiscovery);
      expect((runtime.deps.discovery as TagDiscovery).tag).toBe('team:warm');
    } finally {
      for (const client of Object.values(runtime.clients)) client.destroy();
    }
  });

  test('a tag key AWS would refuse fails the synth with the value and the rule', () => {
    const stack = newStack('BadTag');
    const thermostat = new Thermostat(stack, 'Thermostat', {
      discoverByTag: { policies: TargetPolicy.fromDirectory(DISCOVERED), tagKey: 'aws:policy' },
    });
    expect(thermostat.node.validate()).toEqual([
      expect.stringMatching(/^discoverByTag.tagKey must be a tag key .*got "aws:policy"$/),
    ]);
  });
});

describe('the limit checks themselves', () => {
  test('report a role whose inline policies are too large, and an environment over 4 KB', () => {
    const big = {
      Statement: [{ Action: 'lambda:InvokeFunction', Resource: ['x'.repeat(Limits.inlinePolicyCharsPerRole)] }],
    };
    const found = breaches(
      measure({
        Resources: {
          Role: { Type: 'AWS::IAM::Role', Properties: {} },
          Policy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: big } },
          Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { A: 'y'.repeat(5000) } } } },
        },
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(/^inline policy characters of Role: \d+ > 10240$/),
      'environment bytes of Fn: 5001 > 4096',
    ]);
  });
});
