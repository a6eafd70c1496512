import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AssetStaging } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { PolicySetDocument } from '../../construct';
import { ThermostatExampleStack } from '../../examples/app/lib/thermostat-example-stack';

describe('examples/app', () => {
  test('synthesises with its three functions bound to the example policies', () => {
    // GIVEN an app that skips bundling the example functions (esbuild is exercised by `npm run synth:examples`)
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });

    // WHEN
    const stack = new ThermostatExampleStack(app, 'ThermostatExample');
    const template = Template.fromStack(stack);

    // THEN
    expect(stack.thermostat.targets.map((t) => [t.label, t.modes, t.usesProvisioned, t.usesAutoscaling])).toEqual([
      ['checkout-api:live', ['warm'], false, false],
      ['nightly-batch:prod', ['off', 'provisioned'], true, true],
      ['payments-webhook:live', ['warm'], false, false],
    ]);
    const staging = stack.thermostat.controller.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const shipped = JSON.parse(readFileSync(join(staging.sourcePath, 'policies.json'), 'utf8')) as PolicySetDocument;
    expect(shipped.sources).toEqual([
      'examples/policies/checkout-api.yaml',
      'examples/policies/nightly-batch.yaml',
      'examples/policies/webhook.yaml',
    ]);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'] }, 4);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    // the policies' objectives (0.95) and the webhook's own (0.9) become alarms
    expect(Object.keys(stack.thermostat.alarms!.warmRatio)).toEqual(['t0', 't2']);
    // checkout-api asks for detailed metrics: they are named in the controller's configuration, and alarmed
    const config = JSON.parse(readFileSync(join(staging.sourcePath, 'config.json'), 'utf8')) as {
      detailedMetrics: string[];
    };
    expect(config.detailedMetrics).toEqual(['checkout-api:live']);
    expect(Object.keys(stack.thermostat.alarms!.targetShortfall)).toEqual(['t0']);
    // the example's functions have fixed names, so the controller's environment holds no ARN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          THERMOSTAT_CONFIG_FILE: '/var/task/config.json',
          THERMOSTAT_TARGETS: Match.absent(),
        }),
      },
    });
    expect(stack.thermostat.node.validate()).toEqual([]);
  });
});
