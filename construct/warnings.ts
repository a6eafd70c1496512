/**
 * Synth-time warnings (CDK Annotations): configurations that deploy and run but probably do not do what the user
 * meant. Problems that cannot work are errors instead (node validation, thermostat.ts).
 */
import { Annotations, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { BoundTarget } from './binding';

/** Minutes in a week: windows are compared on every minute of one. */
const WEEK_MINUTES = 7 * 24 * 60;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function warnTargets(scope: IConstruct, targets: readonly BoundTarget[]): void {
  const annotations = Annotations.of(scope);
  for (const target of targets) {
    const where = `targets[${target.index}] (${target.label})`;
    for (const index of shadowedWindows(target))
      annotations.addWarningV2(
        'thermostat:shadowedWindow',
        `${where}: windows[${index}] in ${target.loaded.file} never applies: earlier windows cover all of its time (the first window that contains the time wins); move it up or narrow the others`,
      );
    if (target.usesProvisioned && hasOtherOwner(target))
      annotations.addWarningV2(
        'thermostat:twoOwners',
        `${where}: the alias also has provisioned concurrency from CDK (provisionedConcurrentExecutions or addAutoScaling) and its policy can ask for provisioned concurrency; ` +
          'Thermostat never overwrites what it did not set, so one of the two does nothing: remove one of them',
      );
    for (const what of uncheckedTokens(target))
      annotations.addWarningV2(
        'thermostat:unchecked',
        `${where}: ${what} is known only at deploy time, so it could not be checked at synth`,
      );
  }
}

/** Windows every minute of which an earlier window already covers (same time zone only; others are not compared). */
export function shadowedWindows(target: BoundTarget): number[] {
  const { policy } = target.loaded;
  const windows = policy.windows ?? [];
  const zone = policy.timezone ?? 'UTC';
  const minutes = windows.map((window) => weekMinutes(window));
  const shadowed: number[] = [];
  windows.forEach((window, index) => {
    const own = window.timezone ?? zone;
    const earlier = windows.slice(0, index).filter((other) => (other.timezone ?? zone) === own);
    if (earlier.length === 0) return;
    const covered = new Set<number>();
    for (const other of earlier) for (const minute of minutes[windows.indexOf(other)]!) covered.add(minute);
    const mine = minutes[index]!;
    if (mine.size > 0 && [...mine].every((minute) => covered.has(minute))) shadowed.push(index);
  });
  return shadowed;
}

/** The minutes of the week (0 = Monday 00:00) a window contains, by wall clock. */
function weekMinutes(window: { days?: readonly string[]; from: string; to: string }): Set<number> {
  const toMinutes = (text: string) => {
    const [hours, mins] = text.split(':').map(Number);
    return hours! * 60 + mins!;
  };
  const from = toMinutes(window.from);
  const to = toMinutes(window.to);
  const length = to > from ? to - from : to + 24 * 60 - from;
  const days = window.days ?? DAYS;
  const out = new Set<number>();
  for (const day of days) {
    const start = DAYS.indexOf(day as (typeof DAYS)[number]) * 24 * 60 + from;
    for (let minute = 0; minute < length; minute++) out.add((start + minute) % WEEK_MINUTES);
  }
  return out;
}

/** An alias this app defines with provisioned concurrency of its own: CloudFormation's, or an autoscaling target. */
function hasOtherOwner(target: BoundTarget): boolean {
  const construct = target.ref.construct;
  if (!(construct instanceof lambda.Alias)) return false;
  const cfn = construct.node.defaultChild as lambda.CfnAlias;
  if (cfn.provisionedConcurrencyConfig !== undefined) return true;
  return construct.node.children.some((child) => child.node.id === 'AliasScaling');
}

function uncheckedTokens(target: BoundTarget): string[] {
  const out: string[] = [];
  const { ref } = target;
  const fromFile = target.loaded.file.endsWith('.yaml') || target.loaded.file.endsWith('.yml');
  if (ref.known.name === undefined && fromFile)
    out.push(`the function name (so the policy's function "${target.loaded.policy.function}" was not compared)`);
  if (ref.kind !== 'function' && ref.known.qualifier === undefined) out.push('the qualifier');
  const timeout = ref.definedFunction?.timeout;
  if (timeout?.isUnresolved()) out.push("the function's timeout (holdMs was not compared)");
  if (Token.isUnresolved(target.warmRatioObjective ?? 0)) out.push('warmRatioObjective');
  return out;
}
