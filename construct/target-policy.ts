import type { Policy } from '../controller/policy';

/**
 * A policy written inline. `function` and `qualifier` may be left out: the construct fills them in from the
 * target it is given with. When present they must match that target.
 */
export type PolicyObject = Omit<Policy, 'function' | 'qualifier'> & {
  readonly function?: string;
  readonly qualifier?: string;
};

/** Where a target's policy comes from. @internal */
export type PolicySpec =
  | { readonly kind: 'object'; readonly value: PolicyObject }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'directory'; readonly path: string };

/**
 * The policy of one target: inline, from a policy file, or picked from a directory of policy files.
 *
 * Files and directories are read at synth time with the same loader as `thermostat validate`, so both report the
 * same problems. Relative paths resolve against the current working directory, like `Code.fromAsset`.
 *
 * @example
 * TargetPolicy.fromObject({ mode: 'warm', warm: { concurrency: 3 } });
 * TargetPolicy.fromFile('policies/checkout-api.yaml');
 * TargetPolicy.fromDirectory('policies'); // picks the policy whose function and qualifier match the target
 */
export class TargetPolicy {
  /**
   * A policy given inline. The construct's `defaults` apply to it.
   * @example TargetPolicy.fromObject({ mode: 'provisioned', provisioned: { min: 2 } })
   */
  public static fromObject(policy: PolicyObject): TargetPolicy {
    return new TargetPolicy({ kind: 'object', value: policy });
  }

  /**
   * A policy file (`.yaml`, `.yml` or `.json`), read as a set of its own: a `defaults:` document inside the file
   * applies, one in another file of the same directory does not (use `fromDirectory` for that). When the file holds
   * several policies, the one whose function and qualifier match the target is used.
   * @example TargetPolicy.fromFile('policies/checkout-api.yaml')
   */
  public static fromFile(path: string): TargetPolicy {
    return new TargetPolicy({ kind: 'file', path });
  }

  /**
   * A directory of policy files, read recursively as one set (one `defaults:` document allowed). The policy whose
   * function and qualifier match the target is used, which needs the target's function name at synth time (give
   * the function a `functionName`, or use `fromFile`).
   * @example TargetPolicy.fromDirectory('policies')
   */
  public static fromDirectory(path: string): TargetPolicy {
    return new TargetPolicy({ kind: 'directory', path });
  }

  /** @internal */
  public readonly _spec: PolicySpec;

  private constructor(spec: PolicySpec) {
    this._spec = spec;
  }

  /** How error messages and the dashboard name this policy's source. */
  public get source(): string {
    return this._spec.kind === 'object' ? 'an inline policy' : this._spec.path;
  }
}
