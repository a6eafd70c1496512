/**
 * Stacks the construct tests share: three targets that cover an alias in mode warm, an alias with provisioned
 * concurrency through Application Auto Scaling in a window, and `$LATEST`; names are literal so the synth-time
 * checks that compare names run.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TargetPolicy, Thermostat, type ThermostatProps, type ThermostatTarget } from '../../construct';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'construct');
export const POLICIES = join(FIXTURES, 'policies');
/** Policies for functions enrolled by tag (`thermostat:policy=standard-api`, `batch-window`). */
export const DISCOVERED = join(FIXTURES, 'discovered');

export const ENV = { account: '123456789012', region: 'eu-west-1' } as const;

export function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id, { env: ENV });
}

export function fn(scope: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    timeout: Duration.seconds(10),
    ...props,
  });
}

export interface StandardTargets {
  readonly checkout: lambda.Alias;
  readonly reports: lambda.Alias;
  readonly inbox: lambda.Function;
  readonly targets: ThermostatTarget[];
}

/** checkout-api:live (warm, objective 0.9), reports:live (provisioned via autoscaling at night), inbox ($LATEST). */
export function standardTargets(stack: Stack): StandardTargets {
  const checkout = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');
  const reports = fn(stack, 'Reports', { functionName: 'reports', timeout: Duration.minutes(5) }).addAlias('live');
  const inbox = fn(stack, 'Inbox', { functionName: 'inbox' });
  const policies = TargetPolicy.fromDirectory(POLICIES);
  return {
    checkout,
    reports,
    inbox,
    targets: [
      { function: checkout, policy: policies },
      { function: reports, policy: policies },
      { function: inbox, policy: policies },
    ],
  };
}

export function standardStack(props: Partial<ThermostatProps> = {}, id = 'Test') {
  const stack = newStack(id);
  const targets = standardTargets(stack);
  const thermostat = new Thermostat(stack, 'Thermostat', { targets: targets.targets, ...props });
  return { stack, thermostat, ...targets };
}

/** Renders a resolved CloudFormation value as text: joins concatenated, references as `${Logical}` / `${Logical.Attr}`. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(delimiter);
    }
    if (typeof record.Ref === 'string') return `\${${record.Ref}}`;
    if (Array.isArray(record['Fn::GetAtt'])) return `\${${(record['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(value);
}

/** The one resource of a type whose logical id starts with `prefix`. */
export function resourceOf(
  template: { findResources(type: string): Record<string, { Properties?: Record<string, unknown> }> },
  type: string,
  prefix: string,
) {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1)
    throw new Error(
      `expected one ${type} starting with ${prefix}, found ${matches.map(([id]) => id).join(', ') || 'none'}`,
    );
  const [id, resource] = matches[0]!;
  return {
    id,
    properties: (resource.Properties ?? {}) as Record<string, unknown>,
    resource: resource as Record<string, unknown>,
  };
}

export const ACCOUNT_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function';
const TEAMS = ['orders', 'payments', 'search', 'catalog', 'checkout', 'accounts', 'shipping', 'notifications'];

/** Realistic names: most follow a team prefix, a tenth are unrelated (hashed) names. */
export function functionNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 10 === 9) return `fn${createHash('sha1').update(String(i)).digest('hex').slice(0, 12)}`;
    return `${TEAMS[i % TEAMS.length]}-service-${String(i).padStart(4, '0')}`;
  });
}

/** `count` aliases imported by ARN; every 20th may get provisioned concurrency, every 100th asks for detail. */
export function importedTargets(stack: Stack, count: number): ThermostatTarget[] {
  return functionNames(count).map((name, i) => {
    const fn = lambda.Function.fromFunctionArn(stack, `Fn${i}`, `${ACCOUNT_ARN}:${name}`);
    const alias = lambda.Alias.fromAliasAttributes(stack, `Alias${i}`, {
      aliasName: 'live',
      aliasVersion: lambda.Version.fromVersionAttributes(stack, `Version${i}`, { lambda: fn, version: '1' }),
    });
    const policy =
      i % 20 === 0
        ? TargetPolicy.fromObject({ mode: 'provisioned', provisioned: { min: 1 } })
        : TargetPolicy.fromObject({ mode: 'warm', warm: { concurrency: 1 } });
    return { function: alias, policy, detailedMetrics: i % 100 === 0 };
  });
}
