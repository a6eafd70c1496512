/**
 * Functions in one stack, Thermostat in another: whatever crosses the stacks must not change with the functions'
 * code, or the next deployment of the functions' stack fails ("export … cannot be deleted as it is in use").
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TargetPolicy, Thermostat } from '../../construct';
import { ENV } from './stacks';

function twoStacks(code: string) {
  const app = new App();
  const functions = new Stack(app, 'Functions', { env: ENV });
  const make = (id: string) =>
    new lambda.Function(functions, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(code),
      timeout: Duration.seconds(10),
    });
  // generated names: only deploy knows the ARNs, so they cross the stacks
  const api = make('Api');
  const live = new lambda.Alias(functions, 'ApiLive', { aliasName: 'live', version: api.currentVersion });
  const inbox = make('Inbox');
  const warming = new Stack(app, 'Warming', { env: ENV });
  new Thermostat(warming, 'Thermostat', {
    targets: [
      { function: live, policy: TargetPolicy.fromObject({ mode: 'warm' }) },
      { function: inbox, policy: TargetPolicy.fromObject({ mode: 'warm' }) },
    ],
  });
  const assembly = app.synth();
  const template = (name: string) => assembly.getStackByName(name).template as Record<string, unknown>;
  const exports = Object.values((template('Functions').Outputs ?? {}) as Record<string, { Export?: { Name: string } }>)
    .map((output) => output.Export?.Name)
    .filter((name): name is string => name !== undefined)
    .sort();
  const imports = JSON.stringify(template('Warming')).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
  return { exports, imports: [...new Set(imports)].sort(), warming: template('Warming') };
}

describe('targets in another stack', () => {
  test('export the same names whatever the code: the warm-up fingerprint is computed where the function lives', () => {
    const before = twoStacks('exports.handler = async () => ({ v: 1 })');
    const after = twoStacks('exports.handler = async () => ({ v: 2 })');
    expect(before.exports.length).toBeGreaterThan(0);
    expect(after.exports).toEqual(before.exports);
    expect(after.imports).toEqual(before.imports);
    // what crosses is the alias's and the function's own ARN, never a version
    expect(before.exports.join('\n')).not.toMatch(/CurrentVersion/);
    // the code change still reaches the warm-up: its fingerprint differs
    const fingerprint = (t: Record<string, unknown>) =>
      JSON.stringify(
        Object.values(t.Resources as Record<string, { Type: string; Properties: unknown }>).find(
          (r) => r.Type === 'Custom::AWS',
        )!.Properties,
      );
    expect(fingerprint(after.warming)).not.toEqual(fingerprint(before.warming));
  });
});
