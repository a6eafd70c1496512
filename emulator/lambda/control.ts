import type { Fleet } from '../environments/fleet';
import { lambdaErrors } from '../errors';
import { type HttpResponse, json } from '../http/server';
import { type FunctionReference, parseFunctionName, reconcileQualifier } from './names';
import type { ProvisionedConcurrency } from './provisioned';
import type { AliasRecord, FunctionRecord, FunctionRegistry, Target, VersionConfig } from './registry';

export interface ControlDeps {
  readonly registry: FunctionRegistry;
  readonly fleet: Fleet;
  readonly provisioned: ProvisionedConcurrency;
  readonly accountConcurrency: number;
  readonly unreservedFloor: number;
}

function page<T>(items: readonly T[], marker: string | null, maxItems: string | null, cap: number) {
  const start = marker === null ? 0 : Number.parseInt(Buffer.from(marker, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0) throw lambdaErrors.invalidParameter(`Invalid marker: ${marker}`);
  const requested = maxItems === null ? cap : Number(maxItems);
  if (!Number.isInteger(requested) || requested < 1 || requested > 10_000) {
    throw lambdaErrors.invalidParameter(`MaxItems must be an integer from 1 to 10000, got ${maxItems}`);
  }
  const size = Math.min(requested, cap);
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { slice, next };
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {}
  throw lambdaErrors.invalidContent('Could not parse request body into json');
}

/** The Lambda control-plane operations Thermostat uses, with AWS's shapes, rules and error codes. */
export class ControlPlane {
  constructor(private readonly deps: ControlDeps) {}

  private target(reference: FunctionReference, qualifier: string | null): Target {
    return this.deps.registry.target(reference, reconcileQualifier(reference, qualifier ?? undefined));
  }

  configuration(fn: FunctionRecord, config: VersionConfig, arnQualifier: string | undefined) {
    const { registry } = this.deps;
    return {
      FunctionName: fn.name,
      FunctionArn: registry.arn(fn.name, arnQualifier),
      Runtime: config.runtime,
      Role: `arn:aws:iam::${registry.accountId}:role/${fn.name}-role`,
      Handler: config.handlerSetting,
      CodeSize: config.codeSize,
      Description: config.description,
      Timeout: Math.max(1, Math.ceil(config.timeoutMs / 1000)),
      MemorySize: config.memoryMb,
      LastModified: config.lastModified,
      CodeSha256: config.codeSha256,
      Version: config.version,
      ...(Object.keys(config.env).length > 0 ? { Environment: { Variables: config.env } } : {}),
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: config.revisionId,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: [config.architecture],
      EphemeralStorage: { Size: 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
  }

  private alias(fn: FunctionRecord, alias: AliasRecord) {
    const weighted = Object.keys(alias.weights).length > 0;
    return {
      AliasArn: this.deps.registry.arn(fn.name, alias.name),
      Name: alias.name,
      FunctionVersion: alias.version,
      Description: alias.description,
      ...(weighted ? { RoutingConfig: { AdditionalVersionWeights: alias.weights } } : {}),
      RevisionId: alias.revisionId,
    };
  }

  getFunction(reference: FunctionReference, qualifier: string | null): HttpResponse {
    const target = this.target(reference, qualifier);
    const config = this.deps.registry.config(target.fn, target.version);
    const reserved = target.fn.reservedConcurrency;
    return json(200, {
      Configuration: this.configuration(target.fn, config, target.qualifier),
      Code: { RepositoryType: 'S3', Location: `file://${config.handlerPath}` },
      Tags: { ...target.fn.tags },
      ...(reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: reserved } } : {}),
    });
  }

  getFunctionConfiguration(reference: FunctionReference, qualifier: string | null): HttpResponse {
    const target = this.target(reference, qualifier);
    return json(
      200,
      this.configuration(target.fn, this.deps.registry.config(target.fn, target.version), target.qualifier),
    );
  }

  /** ListTags takes the function's ARN (unqualified). */
  listTags(resource: string): HttpResponse {
    const reference = parseFunctionName(resource, 'resource');
    if (reference.qualifier !== undefined) {
      throw lambdaErrors.invalidParameter(`Tags are set on functions, not on ${resource}; drop the qualifier`);
    }
    return json(200, { Tags: { ...this.deps.registry.function(reference).tags } });
  }

  listFunctions(marker: string | null, maxItems: string | null): HttpResponse {
    const fns = this.deps.registry.list();
    const { slice, next } = page(fns, marker, maxItems, 50);
    return json(200, {
      Functions: slice.map((fn) => this.configuration(fn, fn.latest, undefined)),
      ...(next ? { NextMarker: next } : {}),
    });
  }

  listVersionsByFunction(reference: FunctionReference, marker: string | null, maxItems: string | null): HttpResponse {
    const fn = this.deps.registry.function(reference);
    const versions = [fn.latest, ...[...fn.versions.values()].sort((a, b) => Number(a.version) - Number(b.version))];
    const { slice, next } = page(versions, marker, maxItems, 50);
    return json(200, {
      Versions: slice.map((config) => this.configuration(fn, config, config.version)),
      ...(next ? { NextMarker: next } : {}),
    });
  }

  getAlias(reference: FunctionReference, name: string): HttpResponse {
    const fn = this.deps.registry.function(reference);
    const alias = fn.aliases.get(name);
    if (!alias) {
      throw lambdaErrors.notFound(`Cannot find alias arn: ${this.deps.registry.arn(fn.name, name)}`);
    }
    return json(200, this.alias(fn, alias));
  }

  listAliases(
    reference: FunctionReference,
    functionVersion: string | null,
    marker: string | null,
    maxItems: string | null,
  ): HttpResponse {
    const fn = this.deps.registry.function(reference);
    const aliases = [...fn.aliases.values()].filter((a) => functionVersion === null || a.version === functionVersion);
    const { slice, next } = page(aliases, marker, maxItems, 50);
    return json(200, { Aliases: slice.map((a) => this.alias(fn, a)), ...(next ? { NextMarker: next } : {}) });
  }

  getAccountSettings(): HttpResponse {
    const fns = this.deps.registry.list();
    return json(200, {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: 262_144_000,
        CodeSizeZipped: 52_428_800,
        ConcurrentExecutions: this.deps.accountConcurrency,
        UnreservedConcurrentExecutions: this.deps.fleet.unreservedPool(),
      },
      AccountUsage: {
        TotalCodeSize: fns.reduce((sum, fn) => sum + fn.latest.codeSize, 0),
        FunctionCount: fns.length,
      },
    });
  }

  getFunctionConcurrency(reference: FunctionReference): HttpResponse {
    const fn = this.deps.registry.function(reference);
    return json(
      200,
      fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency },
    );
  }

  putFunctionConcurrency(reference: FunctionReference, body: Buffer): HttpResponse {
    const fn = this.deps.registry.function(reference);
    const value = parseJsonBody(body).ReservedConcurrentExecutions;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw lambdaErrors.invalidParameter(
        `1 validation error detected: Value '${String(value)}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      );
    }
    const provisioned = this.deps.provisioned.totalFor(fn.name);
    if (value < provisioned) {
      throw lambdaErrors.invalidParameter(
        `Specified ReservedConcurrentExecutions for function (${value}) is less than the provisioned concurrency configured on its versions and aliases (${provisioned}).`,
      );
    }
    const otherReserved = this.deps.registry
      .list()
      .filter((other) => other !== fn)
      .reduce((sum, other) => sum + (other.reservedConcurrency ?? 0), 0);
    const otherUnreservedPc =
      this.deps.provisioned.unreservedTotal() - (fn.reservedConcurrency === undefined ? provisioned : 0);
    if (this.deps.accountConcurrency - otherReserved - value - otherUnreservedPc < this.deps.unreservedFloor) {
      throw lambdaErrors.invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${this.deps.unreservedFloor}].`,
      );
    }
    fn.reservedConcurrency = value;
    return json(200, { ReservedConcurrentExecutions: value });
  }

  deleteFunctionConcurrency(reference: FunctionReference): HttpResponse {
    const fn = this.deps.registry.function(reference);
    const provisioned = this.deps.provisioned.totalFor(fn.name);
    const pool = this.deps.fleet.unreservedPool() + (fn.reservedConcurrency ?? 0);
    if (pool - this.deps.provisioned.unreservedTotal() - provisioned < this.deps.unreservedFloor) {
      throw lambdaErrors.invalidParameter(
        `Removing ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${this.deps.unreservedFloor}].`,
      );
    }
    fn.reservedConcurrency = undefined;
    return { status: 204 };
  }

  putProvisionedConcurrency(reference: FunctionReference, qualifier: string | null, body: Buffer): HttpResponse {
    const target = this.target(reference, qualifier);
    const requested = parseJsonBody(body).ProvisionedConcurrentExecutions;
    const config = this.deps.provisioned.put(target, typeof requested === 'number' ? requested : Number.NaN);
    return json(202, this.deps.provisioned.output(config));
  }

  getProvisionedConcurrency(reference: FunctionReference, qualifier: string | null): HttpResponse {
    const target = this.pcTarget(reference, qualifier);
    const config = this.deps.provisioned.get(target.fn.name, target.qualifier!);
    if (!config) throw lambdaErrors.pcNotFound('No Provisioned Concurrency Config found for this function');
    return json(200, this.deps.provisioned.output(config));
  }

  deleteProvisionedConcurrency(reference: FunctionReference, qualifier: string | null): HttpResponse {
    const target = this.pcTarget(reference, qualifier);
    if (!this.deps.provisioned.delete(target.fn.name, target.qualifier!)) {
      throw lambdaErrors.notFound('No Provisioned Concurrency Config found for this function');
    }
    return { status: 204 };
  }

  listProvisionedConcurrency(
    reference: FunctionReference,
    marker: string | null,
    maxItems: string | null,
  ): HttpResponse {
    const fn = this.deps.registry.function(reference);
    const configs = this.deps.provisioned.list(fn.name).sort((a, b) => a.qualifier.localeCompare(b.qualifier));
    const { slice, next } = page(configs, marker, maxItems, 50);
    return json(200, {
      ProvisionedConcurrencyConfigs: slice.map((config) => ({
        FunctionArn: this.deps.registry.arn(fn.name, config.qualifier),
        ...this.deps.provisioned.output(config),
      })),
      ...(next ? { NextMarker: next } : {}),
    });
  }

  /** Get/Delete need a published qualifier too; `$LATEST` can never have a configuration. */
  private pcTarget(reference: FunctionReference, qualifier: string | null): Target {
    const target = this.target(reference, qualifier);
    if (target.qualifier === undefined || target.qualifier === '$LATEST') {
      throw lambdaErrors.invalidParameter(
        'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
      );
    }
    return target;
  }
}
