import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';

/**
 * LambdaInvoke whose role may invoke the controller's unqualified ARN only. The stock target uses `grantInvoke`,
 * which adds `<arn>:*` (every version and alias) that the schedule never calls.
 */
export class InvokeController extends LambdaInvoke {
  private readonly controller: lambda.IFunction;

  constructor(controller: lambda.IFunction, props: ScheduleTargetBaseProps) {
    super(controller, props);
    this.controller = controller;
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.controller.functionArn] }),
    );
  }
}
