import { App, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { TargetPolicy, Thermostat } from '../../construct';
import { flatten, wildcardResourceId } from '../../construct/nag';
import { DISCOVERED, importedTargets, newStack, standardTargets } from './stacks';

/** The fixture functions stand for the user's own; their findings are the user's business, not Thermostat's. */
const FIXTURE_FUNCTION_RULES = [
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-L1',
  'Serverless-LambdaDLQ',
  'Serverless-LambdaDefaultMemorySize',
  'Serverless-LambdaLatestVersion',
  'Serverless-LambdaTracing',
];

function acknowledgementsUnder(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          id: key.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag: AwsSolutions and Serverless packs', () => {
  test('find nothing unacknowledged in a Thermostat with every feature on, and every acknowledgement has a reason', () => {
    // GIVEN a stack with warm, provisioned-with-autoscaling and $LATEST targets, an event bus, dashboard and alarms
    const stack = newStack('Nag');
    const { checkout, reports, inbox, targets } = standardTargets(stack);
    for (const fixture of [checkout.version.lambda, reports.version.lambda, inbox])
      for (const id of FIXTURE_FUNCTION_RULES)
        Validations.of(fixture).acknowledge({ id, reason: 'test fixture standing for the user function' });
    const thermostat = new Thermostat(stack, 'Thermostat', { targets, eventBus: new events.EventBus(stack, 'Bus') });

    // WHEN
    const reports_ = [new AwsSolutionsChecks(), new ServerlessChecks()].map((pack) => pack.validateScope(stack));

    // THEN
    expect(
      reports_.flatMap((report) =>
        report.violations.map((v) => `${v.ruleName} ${JSON.stringify(v.violatingResources)}`),
      ),
    ).toEqual([]);
    expect(reports_.every((report) => report.success)).toBe(true);

    const ours = [
      ...acknowledgementsUnder(thermostat),
      ...acknowledgementsUnder(stack.node.findChild('AWS679f53fac002430cb0da5b7982bd2287')),
    ];
    expect(ours.length).toBeGreaterThanOrEqual(10);
    for (const { id, reason } of ours) {
      expect(reason.length).toBeGreaterThan(60);
      expect(reason).not.toMatch(/todo|fixme/i);
      expect(id).toMatch(/^(AwsSolutions|Serverless)-/);
    }
    // no wildcard on a Lambda action or a Lambda resource is acknowledged: there are none
    expect(ours.filter(({ id }) => /IAM5\[(Action::lambda:|Resource::[^\]]*:lambda:)/.test(id))).toEqual([]);
  });
});

test('finds nothing unacknowledged in an environment-agnostic stack either (finding ids hold pseudo parameters)', () => {
  const stack = new Stack(new App(), 'Agnostic');
  const { checkout, reports, inbox, targets } = standardTargets(stack);
  for (const fixture of [checkout.version.lambda, reports.version.lambda, inbox])
    for (const id of FIXTURE_FUNCTION_RULES) Validations.of(fixture).acknowledge({ id, reason: 'test fixture' });
  new Thermostat(stack, 'Thermostat', { targets });
  const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap(
    (pack) => pack.validateScope(stack).violations,
  );
  expect(violations.map((v) => v.ruleName)).toEqual([]);
});

describe('flatten: finding ids computed the way cdk-nag prints them', () => {
  test('joins, references and attributes', () => {
    expect(
      flatten({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { 'Fn::GetAtt': ['Fn1', 'Arn'] }, ':*']],
      }),
    ).toBe('arn:<AWS::Partition>:lambda:<Fn1.Arn>:*');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own placeholder syntax, not a template
    expect(flatten({ 'Fn::Sub': 'arn:${AWS::Partition}:x' })).toBe('arn:<AWS::Partition>:x');
    expect(flatten('*')).toBe('*');
  });

  test('resolves tokens before flattening', () => {
    const stack = newStack();
    expect(
      wildcardResourceId(stack, stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*' })),
    ).toBe('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:eu-west-1:123456789012:log-group/*]');
  });
});

test('finds nothing unacknowledged at account scale: name-prefix patterns, tag discovery and the self-invoke grant', () => {
  const stack = newStack('NagScale');
  const thermostat = new Thermostat(stack, 'Thermostat', {
    targets: importedTargets(stack, 300),
    discoverByTag: { policies: TargetPolicy.fromDirectory(DISCOVERED) },
  });
  expect(thermostat.iamScope).toBe('prefix');
  const reports = [new AwsSolutionsChecks(), new ServerlessChecks()].map((pack) => pack.validateScope(stack));
  expect(
    reports.flatMap((report) => report.violations.map((v) => `${v.ruleName} ${JSON.stringify(v.violatingResources)}`)),
  ).toEqual([]);
  // the Lambda wildcards acknowledged are exactly the prefix patterns and the tag-conditioned function:*
  const lambdaWildcards = acknowledgementsUnder(thermostat).filter(({ id }) =>
    /IAM5\[Resource::[^\]]*:lambda:/.test(id),
  );
  expect(lambdaWildcards.length).toBeGreaterThan(1);
  for (const { id, reason } of lambdaWildcards) {
    expect(id).toMatch(/:function:[^\]]*\*\]$/);
    expect(reason).toMatch(/prefixes|discovery tag key/);
  }
});
