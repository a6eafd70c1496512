/**
 * Finds the functions of the account that carry the policy tag (`thermostat:policy=<template name>`), so functions
 * deployed by other stacks or teams join by tagging them, with no change to the controller's deployment.
 *
 * The Resource Groups Tagging API (GetResources with a tag filter) would list only tagged functions, but its SDK
 * client is not a dependency; so this pages through ListFunctions (50 a page, on the control plane's shared
 * quota) and reads each function's tags with GetFunction (its own 100/s quota). Both go through the same rate
 * limits as every other call. Tags are cached per function and a whole pass is repeated only every few minutes;
 * a pass that does not fit a tick's share of time goes on at the next tick from where it stopped, and meanwhile
 * the functions found so far (and those of the last complete pass) are used.
 */
import type { FunctionLister, LambdaControl } from '../aws/ports';
import { isThrottle } from '../aws/rate-limit';
import type { Clock } from '../clock';
import { mapLimit } from '../concurrency';
import { describeError, errorName, TimeBudgetError } from '../errors';
import { TtlCache } from '../observe/cache';

export const POLICY_TAG = 'thermostat:policy';
/** A function whose tags cannot be read is taken as untagged this long before it is tried again. */
const FAILED_READ_TTL_MS = 60_000;

export interface DiscoveryOptions {
  readonly lister: FunctionLister;
  readonly lambda: Pick<LambdaControl, 'getFunction'>;
  readonly clock: Clock;
  /** The tag whose value names the template. @default thermostat:policy */
  readonly tag?: string;
  /** A complete pass is reused this long before the account is listed again. @default 5 minutes */
  readonly refreshMs?: number;
  /** A function's tags are re-read after this long. @default 15 minutes */
  readonly tagTtlMs?: number;
  /** GetFunction calls in flight while reading tags (the rate limiter paces them). @default 10 */
  readonly parallelism?: number;
}

/** A tagged function: its unqualified ARN and the template its tag names. */
export interface DiscoveredFunction {
  readonly arn: string;
  readonly name: string;
  readonly template: string;
}

export interface DiscoveryResult {
  readonly functions: readonly DiscoveredFunction[];
  /** False while a pass is under way: more tagged functions may exist than `functions` holds. */
  readonly complete: boolean;
  /** Functions checked in the current pass so far, or in the last complete one (for the report). */
  readonly scanned: number;
  /** Why the pass stopped early, when it did. */
  readonly note?: string;
}

interface Pass {
  marker: string | undefined;
  /** A page listed whose tags are not all read yet: finished before listing the next. */
  pending?: { readonly listed: ReadonlyArray<{ arn: string; name: string }>; readonly next: string | undefined };
  /** Functions listed so far in this pass → their template (undefined: not tagged). */
  readonly seen: Map<string, DiscoveredFunction | undefined>;
}

export class TagDiscovery {
  private readonly tags = new TtlCache<{ readonly template: string | undefined }>(200_000);
  private pass: Pass | undefined;
  private last:
    | { readonly functions: Map<string, DiscoveredFunction>; readonly at: number; readonly scanned: number }
    | undefined;
  readonly tag: string;
  private readonly refreshMs: number;
  private readonly tagTtlMs: number;

  constructor(private readonly options: DiscoveryOptions) {
    this.tag = options.tag ?? POLICY_TAG;
    this.refreshMs = options.refreshMs ?? 5 * 60_000;
    this.tagTtlMs = options.tagTtlMs ?? 15 * 60_000;
  }

  /** The tagged functions, listing and reading tags until `until` (epoch ms) at most. */
  async discover(until: number): Promise<DiscoveryResult> {
    const { clock } = this.options;
    if (this.pass === undefined && this.last !== undefined && clock.now() - this.last.at < this.refreshMs) {
      return { functions: [...this.last.functions.values()], complete: true, scanned: this.last.scanned };
    }
    this.pass ??= { marker: undefined, seen: new Map() };
    const pass = this.pass;
    let note: string | undefined;
    for (;;) {
      if (clock.now() >= until) {
        note = 'out of time for this tick';
        break;
      }
      if (pass.pending === undefined) {
        try {
          const page = await this.options.lister.listFunctions({
            MaxItems: 50,
            ...(pass.marker !== undefined ? { Marker: pass.marker } : {}),
          });
          const listed = (page.Functions ?? []).flatMap((fn) =>
            fn.FunctionArn && fn.FunctionName ? [{ arn: fn.FunctionArn, name: fn.FunctionName }] : [],
          );
          pass.pending = { listed, next: page.NextMarker };
        } catch (error) {
          note = `ListFunctions failed: ${describeError(error).message}`;
          break;
        }
      }
      const { listed, next } = pass.pending;
      const { unread, failed } = await this.readTags(listed, until);
      if (failed > 0) note = `${failed} functions' tags could not be read (taken as untagged for now)`;
      if (unread > 0) {
        // The rest of the page's tags are read next time; those read so far are cached.
        note = `${unread} functions' tags not read yet`;
        break;
      }
      for (const fn of listed) {
        const template = this.tags.get(fn.arn, clock.now())?.template;
        pass.seen.set(fn.arn, template === undefined ? undefined : { ...fn, template });
      }
      pass.pending = undefined;
      pass.marker = next;
      if (pass.marker === undefined) {
        const functions = new Map<string, DiscoveredFunction>();
        for (const [arn, found] of pass.seen) if (found) functions.set(arn, found);
        this.last = { functions, at: clock.now(), scanned: pass.seen.size };
        this.pass = undefined;
        return {
          functions: [...functions.values()],
          complete: true,
          scanned: pass.seen.size,
          ...(note ? { note } : {}),
        };
      }
    }
    // A pass under way: the last complete pass, updated with what this one has seen so far.
    const current = new Map(this.last?.functions ?? []);
    for (const [arn, found] of pass.seen) {
      if (found) current.set(arn, found);
      else current.delete(arn);
    }
    return { functions: [...current.values()], complete: false, scanned: pass.seen.size, ...(note ? { note } : {}) };
  }

  /**
   * Reads the tags of the functions not cached. `unread`: left for later (time, throttles), the page is listed
   * again; `failed`: refused (denied, broken), taken for a minute as the last complete pass knew it (else untagged)
   * so the pass can go on.
   */
  private async readTags(
    listed: ReadonlyArray<{ arn: string }>,
    until: number,
  ): Promise<{ unread: number; failed: number }> {
    const { clock, lambda } = this.options;
    const missing = listed.filter((fn) => this.tags.get(fn.arn, clock.now()) === undefined);
    let unread = 0;
    let failed = 0;
    await mapLimit(missing, this.options.parallelism ?? 10, async (fn) => {
      if (clock.now() >= until) {
        unread += 1;
        return;
      }
      try {
        const response = await lambda.getFunction({ FunctionName: fn.arn });
        this.tags.set(fn.arn, { template: response.Tags?.[this.tag] }, this.tagTtlMs, clock.now());
      } catch (error) {
        // Deleted since it was listed: not tagged, as far as this pass is concerned.
        if (errorName(error) === 'ResourceNotFoundException') {
          this.tags.set(fn.arn, { template: undefined }, this.tagTtlMs, clock.now());
          return;
        }
        if (error instanceof TimeBudgetError || isThrottle(error)) {
          unread += 1;
          return;
        }
        failed += 1;
        // What the last complete pass knew stands (a transient failure must not drop a managed target).
        const known = this.last?.functions.get(fn.arn)?.template;
        this.tags.set(fn.arn, { template: known }, FAILED_READ_TTL_MS, clock.now());
      }
    });
    return { unread, failed };
  }
}
