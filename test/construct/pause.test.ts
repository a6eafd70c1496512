import { Template } from 'aws-cdk-lib/assertions';
import { resourceOf, standardStack } from './stacks';

function controllerActions(template: Template): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes('ThermostatRole'))
    .flatMap(
      (policy) => (policy.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
    )
    .flatMap((statement) => [statement.Action].flat());
}

describe('pausing the schedule while nothing is due', () => {
  test('is on by default: the controller knows its schedule and may update only that one', () => {
    const { stack } = standardStack();
    const template = Template.fromStack(stack);
    const schedule = resourceOf(template, 'AWS::Scheduler::Schedule', 'ThermostatSchedule');
    expect(schedule.properties.Name).toMatch(/^[0-9A-Za-z._-]{1,64}$/);
    // the schedule runs as its own role, which only Scheduler of this account may assume
    const role = resourceOf(template, 'AWS::IAM::Role', 'ThermostatScheduleRole');
    expect((schedule.properties.Target as { RoleArn: unknown }).RoleArn).toEqual({ 'Fn::GetAtt': [role.id, 'Arn'] });
    expect(JSON.stringify(role.properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
    expect(controllerActions(template)).toEqual(
      expect.arrayContaining(['scheduler:GetSchedule', 'scheduler:UpdateSchedule', 'iam:PassRole']),
    );
  });

  test('pauseWhenIdle: false leaves the schedule alone and grants nothing for it', () => {
    const { stack } = standardStack({ pauseWhenIdle: false });
    const template = Template.fromStack(stack);
    const controller = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController');
    const variables = (controller.properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.THERMOSTAT_SCHEDULE).toBeUndefined();
    expect(controllerActions(template).filter((action) => /^scheduler:|^iam:PassRole/.test(action))).toEqual([]);
  });
});
