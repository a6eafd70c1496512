import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { EmulatorConfigError, lambdaErrors } from '../errors';
import type { AliasSpec, EnvironmentKind, FunctionSpec } from '../spec';
import { type FunctionReference, functionArn } from './names';

/** Everything about one version of a function that an execution environment needs. */
export interface VersionConfig {
  readonly functionName: string;
  /** `$LATEST` or a published version number. */
  readonly version: string;
  readonly handlerPath: string;
  readonly handlerExport: string;
  /** The `Handler` setting as Lambda shows it, e.g. `index.handler`. */
  readonly handlerSetting: string;
  readonly memoryMb: number;
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
  readonly architecture: 'x86_64' | 'arm64';
  readonly runtime: string;
  readonly description: string;
  readonly kind: EnvironmentKind;
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly lastModified: string;
  readonly revisionId: string;
}

export interface AliasRecord {
  readonly name: string;
  readonly version: string;
  /** AdditionalVersionWeights: version → share of traffic. */
  readonly weights: Readonly<Record<string, number>>;
  readonly description: string;
  readonly revisionId: string;
}

export interface FunctionRecord {
  readonly name: string;
  readonly latest: VersionConfig;
  readonly versions: Map<string, VersionConfig>;
  readonly aliases: Map<string, AliasRecord>;
  reservedConcurrency: number | undefined;
  /** Resource tags; replaced as a whole by TagResource-like changes. */
  tags: Readonly<Record<string, string>>;
}

/** What a (function, qualifier) request resolves to. */
export interface Target {
  readonly fn: FunctionRecord;
  /** The qualifier as addressed (alias name, version number, `$LATEST`), or undefined for an unqualified call. */
  readonly qualifier: string | undefined;
  readonly alias: AliasRecord | undefined;
  /** The version the qualifier points at (an alias's primary version). */
  readonly version: string;
}

/** Lambda's timestamp format: `2026-11-23T12:00:00.000+0000`. */
export function lambdaTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

function isWeighted(alias: AliasRecord): boolean {
  return Object.keys(alias.weights).length > 0;
}

export { isWeighted as isWeightedAlias };

/** The functions of the emulated account, their versions and aliases. */
export class FunctionRegistry {
  private readonly functions = new Map<string, FunctionRecord>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly defaultKind: EnvironmentKind,
    private readonly now: () => number,
  ) {}

  arn(name: string, qualifier?: string): string {
    return functionArn(this.region, this.accountId, name, qualifier);
  }

  list(): FunctionRecord[] {
    return [...this.functions.values()];
  }

  register(spec: FunctionSpec, baseDir: string): FunctionRecord {
    const where = `function "${spec.name}"`;
    if (this.functions.has(spec.name)) throw new EmulatorConfigError(`${where} is registered twice; names are unique`);
    const latest = this.versionConfig(spec, '$LATEST', {}, baseDir);
    const versions = new Map<string, VersionConfig>();
    for (const [number, overrides] of Object.entries(spec.versions)) {
      versions.set(number, this.versionConfig(spec, number, overrides, baseDir));
    }
    const record: FunctionRecord = {
      name: spec.name,
      latest,
      versions,
      aliases: new Map(),
      reservedConcurrency: spec.reservedConcurrency,
      tags: { ...spec.tags },
    };
    for (const [name, alias] of Object.entries(spec.aliases)) {
      record.aliases.set(name, this.aliasRecord(record, name, alias, `${where}, alias "${name}"`));
    }
    this.functions.set(spec.name, record);
    return record;
  }

  /** Points an alias at a version (creating it if needed); returns the previous record, if any. */
  setAlias(functionName: string, name: string, spec: AliasSpec): AliasRecord | undefined {
    const fn = this.functions.get(functionName);
    if (!fn) throw new EmulatorConfigError(`function "${functionName}" is not registered`);
    const previous = fn.aliases.get(name);
    fn.aliases.set(name, this.aliasRecord(fn, name, spec, `function "${functionName}", alias "${name}"`));
    return previous;
  }

  private aliasRecord(fn: FunctionRecord, name: string, spec: AliasSpec, where: string): AliasRecord {
    const { version, weights = {}, description = '' } = typeof spec === 'string' ? { version: spec } : spec;
    for (const v of [version, ...Object.keys(weights)]) {
      if (!fn.versions.has(v)) {
        throw new EmulatorConfigError(`${where} points at version ${v}, which is not in "versions"; add it there`);
      }
    }
    if (Object.keys(weights).includes(version)) {
      throw new EmulatorConfigError(`${where} lists its own version ${version} in "weights"; list only other versions`);
    }
    const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
    if (total >= 1) throw new EmulatorConfigError(`${where} has weights adding up to ${total}; they must stay below 1`);
    return { name, version, weights, description, revisionId: randomUUID() };
  }

  private versionConfig(
    spec: FunctionSpec,
    version: string,
    overrides: FunctionSpec['versions'][string],
    baseDir: string,
  ): VersionConfig {
    const handler = overrides.handler ?? spec.handler;
    const handlerPath = isAbsolute(handler) ? handler : resolve(baseDir, handler);
    const where = `function "${spec.name}"${version === '$LATEST' ? '' : `, version ${version}`}`;
    if (!existsSync(handlerPath) || !statSync(handlerPath).isFile()) {
      throw new EmulatorConfigError(`${where}: handler file ${handlerPath} does not exist; check "handler"`);
    }
    const ext = extname(handlerPath);
    if (!['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'].includes(ext)) {
      throw new EmulatorConfigError(`${where}: handler ${handlerPath} must be a .js, .cjs, .mjs or .ts file`);
    }
    const code = readFileSync(handlerPath);
    const handlerExport = overrides.export ?? spec.export;
    return {
      functionName: spec.name,
      version,
      handlerPath,
      handlerExport,
      handlerSetting: `${basename(handlerPath, ext)}.${handlerExport}`,
      memoryMb: overrides.memoryMb ?? spec.memoryMb,
      timeoutMs: overrides.timeoutMs ?? spec.timeoutMs,
      env: { ...spec.env, ...overrides.env },
      architecture: spec.architecture,
      runtime: spec.runtime,
      description: overrides.description ?? spec.description,
      kind: spec.environment ?? this.defaultKind,
      codeSha256: createHash('sha256').update(code).digest('base64'),
      codeSize: code.length,
      lastModified: lambdaTimestamp(this.now()),
      revisionId: randomUUID(),
    };
  }

  /** The function a request names, or ResourceNotFoundException worded like AWS. */
  function(reference: FunctionReference, qualifier?: string): FunctionRecord {
    const foreign =
      (reference.region !== undefined && reference.region !== this.region) ||
      (reference.accountId !== undefined && reference.accountId !== this.accountId);
    const fn = foreign ? undefined : this.functions.get(reference.name);
    if (!fn) {
      const arn = functionArn(
        reference.region ?? this.region,
        reference.accountId ?? this.accountId,
        reference.name,
        qualifier,
      );
      throw lambdaErrors.notFound(`Function not found: ${arn}`);
    }
    return fn;
  }

  /** Resolves a qualifier (alias, version, `$LATEST` or none) of a function. */
  target(reference: FunctionReference, qualifier: string | undefined): Target {
    const fn = this.function(reference, qualifier);
    if (qualifier === undefined || qualifier === '$LATEST') {
      return { fn, qualifier, alias: undefined, version: '$LATEST' };
    }
    if (fn.versions.has(qualifier)) return { fn, qualifier, alias: undefined, version: qualifier };
    const alias = fn.aliases.get(qualifier);
    if (alias) return { fn, qualifier, alias, version: alias.version };
    throw lambdaErrors.notFound(`Function not found: ${this.arn(fn.name, qualifier)}`);
  }

  config(fn: FunctionRecord, version: string): VersionConfig {
    if (version === '$LATEST') return fn.latest;
    const config = fn.versions.get(version);
    if (!config) throw lambdaErrors.notFound(`Function not found: ${this.arn(fn.name, version)}`);
    return config;
  }

  /** The version one invocation runs: an alias with weights sends a share of calls to its other versions. */
  pickVersion(target: Target, random: () => number): string {
    if (!target.alias || !isWeighted(target.alias)) return target.version;
    let roll = random();
    for (const [version, weight] of Object.entries(target.alias.weights)) {
      if (roll < weight) return version;
      roll -= weight;
    }
    return target.alias.version;
  }
}
