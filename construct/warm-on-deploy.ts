/**
 * Runs one controller tick at the end of every deployment that changes a target or a policy, so a freshly
 * published version is warm before the next scheduled tick (up to a minute later) would get to it.
 *
 * A custom resource (AwsCustomResource, whose handler aws-cdk-lib ships pre-bundled) invokes the controller
 * synchronously. CloudFormation calls it again only when its properties change, so the payload carries a
 * fingerprint of everything that should trigger a warm-up: each target's ARN (a new version has a new ARN), the
 * version an alias points to, a hash of a `$LATEST` function's code and configuration, and the policy set's hash.
 * A failed warm-up does not fail the deployment: the invoke succeeds even when the tick reports errors, and the
 * next scheduled tick tries again.
 *
 * What synth knows is hashed into one value, so a thousand imported targets add a few bytes, not a thousand
 * entries. What only deploy knows stays a reference, except for targets in another stack: a reference there would
 * become a cross-stack export, and the export of a version (whose logical id changes with every code change) would
 * block the next deployment of that stack ("export in use"). Their references are resolved in their own stack and
 * hashed instead: a version's logical id, and so the hash, changes exactly when its code does.
 */
import { createHash } from 'node:crypto';
import { Duration, type IResolvable, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { BoundTarget } from './binding';
import { deploymentTick } from './tick';

export interface WarmOnDeployProps {
  readonly controller: lambda.IFunction;
  readonly controllerTimeout: Duration;
  readonly targets: readonly BoundTarget[];
  readonly policySetHash: string;
  readonly logRetention: logs.RetentionDays;
}

export class WarmOnDeploy extends Construct {
  public readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: WarmOnDeployProps) {
    super(scope, id);
    const payload = Stack.of(this).toJsonString(
      deploymentTick(fingerprint(Stack.of(this), props.targets, props.policySetHash)),
    );
    const call: cr.AwsSdkCall = {
      service: 'Lambda',
      action: 'Invoke',
      parameters: { FunctionName: props.controller.functionArn, InvocationType: 'RequestResponse', Payload: payload },
      physicalResourceId: cr.PhysicalResourceId.of('thermostat-warm-on-deploy'),
      // the tick's answer can exceed the 4 KB a custom resource may return; the status code is enough
      outputPaths: ['StatusCode'],
    };
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.controller.functionArn] }),
      ]),
      installLatestAwsSdk: false,
      timeout: props.controllerTimeout.plus(Duration.seconds(30)),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention }),
    });
  }
}

export function fingerprint(
  stack: Stack,
  targets: readonly BoundTarget[],
  policySetHash: string,
): Record<string, unknown> {
  const hashed: Array<[string, IResolvable | string, Stack | undefined]> = [];
  const live: Record<string, Record<string, string>> = {};
  for (const target of targets) {
    const { ref } = target;
    const parts: Record<string, string> = { arn: ref.invokeArn };
    if (ref.aliasVersion !== undefined) parts.version = ref.aliasVersion;
    if (ref.kind === 'function' && ref.definedFunction !== undefined)
      parts.code = configurationHash(ref.definedFunction);
    const home = Stack.of(ref.construct);
    for (const [part, value] of Object.entries(parts)) {
      const key = `${target.id}.${part}`;
      if (!Token.isUnresolved(value)) hashed.push([key, value, undefined]);
      else if (home !== stack) hashed.push([key, value, home]);
      else live[target.id] = { ...live[target.id], [part]: value };
    }
  }
  // lazy, so configuration added after this construct (a $LATEST function's environment) counts too
  const known = Lazy.string({
    produce: () => {
      const digest = createHash('sha256');
      for (const [key, value, home] of hashed)
        digest.update(`${key}=${home === undefined ? String(value) : JSON.stringify(home.resolve(value))}\n`);
      return digest.digest('hex').slice(0, 16);
    },
  });
  return { policies: policySetHash, known, targets: live };
}

/**
 * `$LATEST` keeps its ARN across deployments, so its code and configuration stand in for a version: a change to
 * either replaces every execution environment. Lazy, so configuration added after this construct counts too.
 */
function configurationHash(fn: lambda.Function): string {
  return Lazy.string({
    produce: () => {
      const cfn = fn.node.defaultChild as lambda.CfnFunction;
      const config = Stack.of(fn).resolve({
        code: cfn.code,
        environment: cfn.environment,
        handler: cfn.handler,
        runtime: cfn.runtime,
        memorySize: cfn.memorySize,
        timeout: cfn.timeout,
        layers: cfn.layers,
        architectures: cfn.architectures,
      });
      return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
    },
  });
}
