import type { Clock, ClockTimer } from '../clock';
import type { Fleet } from '../environments/fleet';
import { lambdaErrors } from '../errors';
import type { Faults } from '../faults';
import type { Settings } from '../spec';
import { type FunctionRecord, type FunctionRegistry, isWeightedAlias, lambdaTimestamp, type Target } from './registry';

export type ProvisionedStatus = 'IN_PROGRESS' | 'READY' | 'FAILED';

/** One provisioned-concurrency configuration (per function and alias or version). */
export interface ProvisionedConfig {
  readonly functionName: string;
  readonly qualifier: string;
  /** The version whose environments it keeps (an alias's target). */
  version: string;
  requested: number;
  status: ProvisionedStatus;
  statusReason: string | undefined;
  lastModified: number;
  generation: number;
  delayDone: boolean;
  delayTimer: ClockTimer | undefined;
  failedStarts: number;
}

export interface ProvisionedConfigOutput {
  RequestedProvisionedConcurrentExecutions: number;
  AvailableProvisionedConcurrentExecutions: number;
  AllocatedProvisionedConcurrentExecutions: number;
  Status: ProvisionedStatus;
  StatusReason?: string;
  LastModified: string;
}

export interface PutOptions {
  /** Application Auto Scaling's own changes, which do not wait for an allocation in progress. */
  readonly internal?: boolean;
}

export function pcKey(functionName: string, qualifier: string): string {
  return `${functionName}:${qualifier}`;
}

export interface ProvisionedDeps {
  readonly clock: Clock;
  readonly settings: Settings;
  readonly registry: FunctionRegistry;
  readonly fleet: () => Fleet;
  readonly faults: Faults;
}

/**
 * Provisioned concurrency with AWS's rules: only on published versions and unweighted aliases, one
 * configuration per version, within reserved concurrency and within the unreserved pool minus its floor.
 * An allocation stays IN_PROGRESS for at least the configured delay and until every environment has run its
 * init (as `provisioned-concurrency`); then READY, or FAILED with FUNCTION_ERROR_INIT_FAILURE.
 */
export class ProvisionedConcurrency {
  private readonly configs = new Map<string, ProvisionedConfig>();

  constructor(private readonly deps: ProvisionedDeps) {}

  get(functionName: string, qualifier: string): ProvisionedConfig | undefined {
    return this.configs.get(pcKey(functionName, qualifier));
  }

  list(functionName?: string): ProvisionedConfig[] {
    return [...this.configs.values()].filter((c) => functionName === undefined || c.functionName === functionName);
  }

  /** Environments ready to serve for a configuration. */
  allocated(config: ProvisionedConfig): number {
    return this.deps
      .fleet()
      .provisionedOf(pcKey(config.functionName, config.qualifier))
      .filter((env) => env.available).length;
  }

  output(config: ProvisionedConfig): ProvisionedConfigOutput {
    const allocated = this.allocated(config);
    return {
      RequestedProvisionedConcurrentExecutions: config.requested,
      AvailableProvisionedConcurrentExecutions: allocated,
      AllocatedProvisionedConcurrentExecutions: allocated,
      Status: config.status,
      ...(config.statusReason ? { StatusReason: config.statusReason } : {}),
      LastModified: lambdaTimestamp(config.lastModified),
    };
  }

  /** Provisioned concurrency of one function, optionally leaving one configuration out. */
  totalFor(functionName: string, except?: string): number {
    return this.list(functionName)
      .filter((c) => pcKey(c.functionName, c.qualifier) !== except)
      .reduce((sum, c) => sum + c.requested, 0);
  }

  /** Provisioned concurrency on functions without reserved concurrency: it is held out of the unreserved pool. */
  unreservedTotal(except?: string): number {
    return this.deps.registry
      .list()
      .filter((fn) => fn.reservedConcurrency === undefined)
      .reduce((sum, fn) => sum + this.totalFor(fn.name, except), 0);
  }

  /** Checks a Put against AWS's rules; throws the error AWS would return. */
  validate(target: Target, requested: number, options: PutOptions = {}): void {
    const { fn, qualifier, alias } = target;
    const { settings } = this.deps;
    if (qualifier === undefined || qualifier === '$LATEST') {
      throw lambdaErrors.invalidParameter(
        'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
      );
    }
    if (!Number.isInteger(requested) || requested < 1) {
      throw lambdaErrors.invalidParameter(
        `1 validation error detected: Value '${requested}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1`,
      );
    }
    if (alias && isWeightedAlias(alias)) {
      throw lambdaErrors.invalidParameter('Alias with weights can not be used with Provisioned Concurrency');
    }
    const key = pcKey(fn.name, qualifier);
    const existing = this.configs.get(key);
    if (existing?.status === 'IN_PROGRESS' && !options.internal) {
      throw lambdaErrors.conflict(
        `Provisioned Concurrency Config for ${this.deps.registry.arn(fn.name, qualifier)} is being updated; retry when its status is READY or FAILED.`,
      );
    }
    const sameVersion = this.list(fn.name).find((c) => c.version === target.version && c.qualifier !== qualifier);
    if (sameVersion) {
      throw lambdaErrors.conflict(
        `Version ${target.version} already has Provisioned Concurrency configured through ${sameVersion.qualifier}; each version can have one configuration.`,
      );
    }
    if (fn.reservedConcurrency !== undefined) {
      if (requested + this.totalFor(fn.name, key) > fn.reservedConcurrency) {
        throw lambdaErrors.invalidParameter(
          `Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function (${fn.reservedConcurrency}).`,
        );
      }
    } else {
      const pool = this.deps.fleet().unreservedPool();
      if (this.unreservedTotal(key) + requested > pool - settings.unreservedFloor) {
        throw lambdaErrors.invalidParameter(
          `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${settings.unreservedFloor}].`,
        );
      }
    }
  }

  /** Creates or updates a configuration and starts allocating it. */
  put(target: Target, requested: number, options: PutOptions = {}): ProvisionedConfig {
    this.validate(target, requested, options);
    const qualifier = target.qualifier!;
    const key = pcKey(target.fn.name, qualifier);
    let config = this.configs.get(key);
    if (!config) {
      config = {
        functionName: target.fn.name,
        qualifier,
        version: target.version,
        requested,
        status: 'IN_PROGRESS',
        statusReason: undefined,
        lastModified: this.deps.clock.now(),
        generation: 0,
        delayDone: false,
        delayTimer: undefined,
        failedStarts: 0,
      };
      this.configs.set(key, config);
    }
    config.requested = requested;
    this.allocate(config);
    return config;
  }

  delete(functionName: string, qualifier: string): boolean {
    const key = pcKey(functionName, qualifier);
    const config = this.configs.get(key);
    if (!config) return false;
    this.configs.delete(key);
    if (config.delayTimer) this.deps.clock.clearTimeout(config.delayTimer);
    for (const env of this.deps.fleet().provisionedOf(key)) this.deps.fleet().deallocate(env);
    return true;
  }

  /** Drops the configurations of a function that no longer exists (or all, when stopping). */
  clear(): void {
    for (const config of this.list()) {
      if (config.delayTimer) this.deps.clock.clearTimeout(config.delayTimer);
    }
    this.configs.clear();
  }

  private allocate(config: ProvisionedConfig): void {
    const { clock, settings, fleet } = this.deps;
    const key = pcKey(config.functionName, config.qualifier);
    config.generation += 1;
    config.status = 'IN_PROGRESS';
    config.statusReason = undefined;
    config.lastModified = clock.now();
    config.delayDone = false;
    config.failedStarts = 0;
    if (config.delayTimer) clock.clearTimeout(config.delayTimer);
    const generation = config.generation;
    if (settings.provisionedAllocationDelayMs === 0) {
      config.delayDone = true;
    } else {
      config.delayTimer = clock.setTimeout(() => {
        config.delayTimer = undefined;
        if (config.generation !== generation) return;
        config.delayDone = true;
        this.maybeFinish(config);
      }, settings.provisionedAllocationDelayMs);
    }

    const current = fleet().provisionedOf(key);
    const stale = current.filter((env) => env.version !== config.version);
    for (const env of stale) fleet().deallocate(env);
    // Keep the environments that are ready first; give back the newest extras.
    const kept = current
      .filter((env) => env.version === config.version && !env.retiring)
      .sort((a, b) => Number(b.available) - Number(a.available) || a.createdAt - b.createdAt);
    for (const env of kept.slice(config.requested)) fleet().deallocate(env);
    const missing = config.requested - Math.min(kept.length, config.requested);
    for (let i = 0; i < missing; i++) this.launch(config, generation);
    this.maybeFinish(config);
  }

  private launch(config: ProvisionedConfig, generation: number): void {
    const fn = this.deps.registry.list().find((f) => f.name === config.functionName);
    if (!fn) return;
    const versionConfig = this.deps.registry.config(fn, config.version);
    const fault = this.deps.faults.fire('initFailure', {
      operation: 'Invoke',
      functionName: fn.name,
      qualifier: config.qualifier,
      version: config.version,
    });
    const failInit = fault ? (fault.message ?? 'Injected init failure') : undefined;
    const key = pcKey(config.functionName, config.qualifier);
    void this.deps
      .fleet()
      .startProvisioned(versionConfig, key, failInit)
      .then((env) => {
        const live = this.configs.get(key) === config;
        if (!env) {
          if (live && config.generation === generation) config.failedStarts += 1;
        } else if (!live) {
          this.deps.fleet().deallocate(env);
          return;
        } else if (config.status === 'READY') {
          // A replacement for a lost environment joins a ready configuration at once.
          env.available = true;
        }
        if (live) this.maybeFinish(config);
      });
  }

  private maybeFinish(config: ProvisionedConfig): void {
    if (config.status !== 'IN_PROGRESS' || !config.delayDone) return;
    const envs = this.deps.fleet().provisionedOf(pcKey(config.functionName, config.qualifier));
    if (envs.some((env) => env.state === 'initialising')) return;
    if (config.failedStarts > 0) {
      config.status = 'FAILED';
      config.statusReason = 'FUNCTION_ERROR_INIT_FAILURE';
      for (const env of envs) if (!env.available) this.deps.fleet().deallocate(env);
    } else {
      config.status = 'READY';
      for (const env of envs) env.available = true;
    }
    config.lastModified = this.deps.clock.now();
  }

  /** A provisioned environment died or retired: Lambda keeps the configured number, so start another. */
  replace(key: string): void {
    const config = this.configs.get(key);
    if (!config || config.status === 'FAILED') return;
    const live = this.deps
      .fleet()
      .provisionedOf(key)
      .filter((env) => !env.retiring).length;
    if (live < config.requested) this.launch(config, config.generation);
  }

  /** An alias now points at another version: its provisioned concurrency moves with it. */
  aliasMoved(fn: FunctionRecord, aliasName: string): void {
    const config = this.get(fn.name, aliasName);
    const alias = fn.aliases.get(aliasName);
    if (!config || !alias || alias.version === config.version) return;
    config.version = alias.version;
    this.allocate(config);
  }
}
