import type { ProvisionedSettings } from '../policy/core';
import type { Decision, PolicyMode } from './decision';
import type { AccountConcurrency, ManagedProvisioned, TargetObservation } from './observed';

/** Lambda keeps this much unreserved concurrency for functions without reservations; PC cannot take it. */
export const ACCOUNT_FLOOR = 100;

export interface Base {
  readonly key: string;
  readonly function: string;
  readonly qualifier: string | undefined;
  readonly mode: PolicyMode;
  readonly window: string | undefined;
}

export interface ProvisionedPlan {
  readonly decisions: Decision[];
  /** Warmth to keep with pings because provisioned concurrency cannot provide it right now. */
  readonly fallback?: {
    readonly kind: 'provisioned-failed' | 'provisioned-blocked';
    readonly wanted: number;
    readonly why: string;
  };
  /** A change was requested or is allocating: pings would only race the allocation. */
  readonly pending?: boolean;
}

const none: ProvisionedPlan = { decisions: [] };

/**
 * Provisioned concurrency for one qualifier. `target` is the mode after auto's choice: `provisioned` reconciles the
 * policy's settings; `warm` and `off` remove what Thermostat created and nothing else.
 */
export function planProvisioned(
  base: Base,
  target: 'warm' | 'provisioned' | 'off',
  settings: ProvisionedSettings,
  obs: TargetObservation,
  account: AccountConcurrency | undefined,
): ProvisionedPlan {
  return target === 'provisioned' ? reconcile(base, settings, obs, account) : release(base, obs);
}

function release(base: Base, obs: TargetObservation): ProvisionedPlan {
  const managed = obs.managed?.provisioned;
  const { provisioned: pc, scalableTarget: st } = obs;
  if (managed === undefined) {
    if (base.mode === 'off' && (pc || st)) {
      const what = st ? `scalable target (min ${st.min}, max ${st.max})` : `provisioned concurrency ${pc!.requested}`;
      return {
        decisions: [
          leaveAlone(
            base,
            st ? 'scalable-target' : 'provisioned-config',
            `the ${what} on ${qualifierText(base)} was not created by Thermostat; left in place`,
          ),
        ],
      };
    }
    return obs.managed ? { decisions: [forget(base, 'Thermostat owns nothing here any more')] } : none;
  }
  if (pc === undefined || st === undefined) return notObserved(base, 'removes');
  const why = base.mode === 'off' ? 'mode is off' : `mode is ${base.mode}`;
  const decisions: Decision[] = [];
  if (managed.strategy === 'autoscaling') {
    decisions.push(...releaseAutoscaling(base, why, { ownsConfig: managed.ownsConfig !== false }, obs));
  } else if (st) {
    decisions.push(
      ...handOver(
        base,
        'scalable-target',
        `${why}, but a scalable target someone else registered now controls ${qualifierText(base)}; left in place`,
        'another owner took over',
      ),
    );
  } else if (pc && pc.requested === managed.value) {
    decisions.push({
      ...base,
      kind: 'delete-provisioned',
      previous: pc.requested,
      reason: `${why}: removing the provisioned concurrency (${pc.requested}) Thermostat set`,
    });
  } else if (pc) {
    decisions.push(
      ...handOver(
        base,
        'provisioned-config',
        `${why}, but the provisioned concurrency was changed to ${pc.requested} outside Thermostat (it set ${managed.value}); left in place`,
        'another owner took over',
      ),
    );
  }
  if (decisions.length === 0) decisions.push(forget(base, `${why} and nothing Thermostat created is left`));
  return { decisions };
}

function reconcile(
  base: Base,
  settings: ProvisionedSettings,
  obs: TargetObservation,
  account: AccountConcurrency | undefined,
): ProvisionedPlan {
  const blocked = blockedBecause(base, obs);
  if (blocked !== undefined) {
    return {
      decisions: [
        { ...base, kind: 'skip', cause: 'not-observed', reason: `provisioned concurrency is impossible: ${blocked}` },
      ],
      fallback: { kind: 'provisioned-blocked', wanted: Math.max(1, settings.min), why: blocked },
    };
  }
  const { provisioned: pc, scalableTarget: st } = obs;
  if (pc === undefined || st === undefined) return notObserved(base, 'writes');
  const managed = obs.managed?.provisioned;
  const adopt = settings.adopt;
  const foreignTarget = st !== null && managed?.strategy !== 'autoscaling';
  const foreignConfig = pc !== null && managed === undefined && st === null;
  const changedOutside = pc !== null && st === null && managed?.strategy === 'direct' && pc.requested !== managed.value;
  if ((foreignTarget || foreignConfig || changedOutside) && !adopt) {
    const what = foreignTarget
      ? `a scalable target (min ${st!.min}, max ${st!.max}) that Thermostat did not register`
      : changedOutside
        ? `provisioned concurrency changed to ${pc!.requested} outside Thermostat (it set ${managed!.value})`
        : `provisioned concurrency ${pc!.requested} that Thermostat did not set`;
    return {
      decisions: [
        leaveAlone(
          base,
          foreignTarget ? 'scalable-target' : 'provisioned-config',
          `${qualifierText(base)} has ${what}; left alone (set provisioned.adopt: true to take it over)`,
        ),
      ],
    };
  }
  const adopting = foreignTarget || foreignConfig || changedOutside;
  const failed =
    pc?.status === 'FAILED'
      ? { why: `the allocation FAILED${pc.reason ? ` (${pc.reason})` : ''}`, requested: pc.requested }
      : undefined;
  const plan =
    settings.strategy === 'direct'
      ? reconcileDirect({ base, settings, obs, account, adopting })
      : reconcileAutoscaling({ base, settings, obs, account, adopting });
  // Pings stand in for a FAILED allocation only while the policy still wants provisioned concurrency here.
  const removing = plan.decisions.some((decision) => decision.kind === 'delete-provisioned');
  if (failed && !removing && settings.min > 0) {
    return {
      ...plan,
      pending: false,
      fallback: { kind: 'provisioned-failed', wanted: Math.max(1, failed.requested), why: failed.why },
    };
  }
  return plan;
}

/** What reconciling one target's provisioned concurrency starts from. */
interface ReconcileInput {
  readonly base: Base;
  readonly settings: ProvisionedSettings;
  readonly obs: TargetObservation;
  readonly account: AccountConcurrency | undefined;
  /** The policy adopts what someone else set up. */
  readonly adopting: boolean;
}

function reconcileDirect({ base, settings, obs, account, adopting }: ReconcileInput): ProvisionedPlan {
  const pc = obs.provisioned!;
  const st = obs.scalableTarget!;
  const { value, why } = directSize(settings, obs, account);
  const decisions: Decision[] = [];
  if (st) {
    // Application Auto Scaling would undo every direct write, so its target goes first.
    decisions.push({
      ...base,
      kind: 'deregister-scalable-target',
      previous: st,
      reason: adopting
        ? `adopting ${qualifierText(base)}: removing the scalable target (min ${st.min}, max ${st.max}) so direct settings hold`
        : `strategy is direct: removing the scalable target Thermostat registered (min ${st.min}, max ${st.max})`,
    });
  }
  const managed = obs.managed?.provisioned;
  if (pc && !adopting && managed?.strategy === 'autoscaling' && managed.ownsConfig === false) {
    // Switching from autoscaling: the config under Thermostat's target was created by someone else, so the direct
    // strategy has nothing of its own to size; Thermostat's target goes, the config stays with its owner.
    decisions.push(
      ...configNotOurs(base, 'strategy is direct', pc.requested, ' (set provisioned.adopt: true to take it over)'),
    );
    return { decisions };
  }
  const owned: ManagedProvisioned = { strategy: 'direct', value };
  if (value === 0) {
    if (pc) {
      decisions.push({
        ...base,
        kind: 'delete-provisioned',
        previous: pc.requested,
        reason: `${why}; Lambda refuses 0, so the config (${pc.requested}) is deleted`,
      });
    } else if (obs.managed) {
      decisions.push(forget(base, `${why}; nothing is configured`));
    } else {
      decisions.push(keep(base, 0, 0, 'NONE', undefined, `${why}; nothing is configured`));
    }
    return { decisions };
  }
  if (pc && pc.requested === value) {
    decisions.push(
      keep(
        base,
        pc.requested,
        pc.allocated,
        pc.status,
        owned,
        `${why}; already ${pc.requested} (${pc.status}, ${pc.allocated} allocated)${adopting ? ', adopted' : ''}`,
      ),
    );
    return { decisions, pending: pc.status === 'IN_PROGRESS' };
  }
  decisions.push({
    ...base,
    kind: 'put-provisioned',
    value,
    previous: pc ? pc.requested : null,
    adopt: adopting,
    reason: `${why}; ${pc ? `changing ${pc.requested} → ${value}` : `none configured, setting ${value}`}${adopting ? ' (adopting it)' : ''}`,
  });
  return { decisions, pending: true };
}

/** The scalable target the policy wants now, within what the account and the function allow. */
interface AutoscalingTarget {
  readonly min: number;
  readonly max: number;
  readonly utilization: number;
  /** Reason suffix when the account or function caps `max`, else empty. */
  readonly capped: string;
  /** The window (or base settings) the target comes from, for reasons. */
  readonly window: string;
  /** The scaling policy in place already tracks `utilization`. */
  readonly policyOk: boolean;
  /** The config is Thermostat's: it put it (initial value, or the direct strategy before) or adopts it. */
  readonly configOurs: boolean;
}

function autoscalingTarget({ base, settings, obs, account, adopting }: ReconcileInput): AutoscalingTarget {
  const pc = obs.provisioned!;
  const managed = obs.managed?.provisioned;
  const cap = capacityCap(obs, account);
  const max = Math.min(settings.max, cap.value);
  const utilization = settings.utilization;
  return {
    min: Math.min(settings.min, max),
    max,
    utilization,
    capped: max < settings.max ? ` (capped by ${cap.label})` : '',
    window: base.window ? `window "${base.window}"` : 'base settings',
    policyOk: obs.scalingPolicy != null && Math.abs(obs.scalingPolicy.targetValue - utilization) < 1e-9,
    configOurs:
      pc !== null &&
      (adopting ||
        managed?.strategy === 'direct' ||
        (managed?.strategy === 'autoscaling' && managed.ownsConfig !== false)),
  };
}

function reconcileAutoscaling(input: ReconcileInput): ProvisionedPlan {
  const { base, obs, adopting } = input;
  const pc = obs.provisioned!;
  const st = obs.scalableTarget!;
  const target = autoscalingTarget(input);
  const { min, max, utilization, capped, window } = target;

  if (max === 0) {
    // Going to zero: nothing for Application Auto Scaling to scale, so Thermostat removes what it set up.
    const why = `${window} allows no provisioned concurrency${capped}`;
    return {
      decisions: releaseAutoscaling(base, why, { ownsConfig: target.configOurs, adopting, reconciling: true }, obs),
    };
  }

  const decisions: Decision[] = [];
  // Application Auto Scaling never creates a config ("configure an initial provisioned concurrency value first"):
  // registering a target on a qualifier without one changes nothing, so Thermostat puts the initial value itself.
  const initial = pc === null && min > 0;
  const ownsConfig = initial || target.configOurs;
  const owned: ManagedProvisioned = {
    strategy: 'autoscaling',
    min,
    max,
    utilization,
    ownsConfig,
  };
  if (initial) {
    decisions.push({
      ...base,
      kind: 'put-provisioned',
      value: min,
      previous: null,
      adopt: false,
      owned,
      reason: `${window}: no provisioned concurrency is configured and Application Auto Scaling only scales an existing config, so Thermostat sets the initial ${min}${capped}`,
    });
  }
  if (st && st.min === min && st.max === max && target.policyOk) {
    if (initial) return { decisions, pending: true };
    return keepScalableTarget(base, pc, owned, target);
  }
  decisions.push(registerScalableTarget(input, target, ownsConfig));
  return { decisions, pending: true };
}

/** The scalable target already is what the policy wants: kept, with the config under it reported. */
function keepScalableTarget(
  base: Base,
  pc: TargetObservation['provisioned'],
  owned: ManagedProvisioned,
  { min, max, utilization, capped, window }: AutoscalingTarget,
): ProvisionedPlan {
  const status = pc?.status ?? 'NONE';
  return {
    decisions: [
      keep(
        base,
        pc?.requested ?? 0,
        pc?.allocated ?? 0,
        status,
        owned,
        `${window}: scalable target already min ${min}, max ${max}, target ${utilization}${
          pc ? ` (${pc.requested} provisioned, ${pc.status}, ${pc.allocated} allocated)` : ''
        }${capped}`,
      ),
    ],
    pending: status === 'IN_PROGRESS',
  };
}

/** Registers (or changes) the scalable target, and puts the tracking policy unless it is in place already. */
function registerScalableTarget(
  { base, obs, adopting }: ReconcileInput,
  { min, max, utilization, capped, window, policyOk }: AutoscalingTarget,
  ownsConfig: boolean,
): Decision {
  const st = obs.scalableTarget!;
  const change = st ? `min ${st.min} → ${min}, max ${st.max} → ${max}` : `registering min ${min}, max ${max}`;
  const lowered = st !== null && (min < st.min || max < st.max);
  return {
    ...base,
    kind: 'register-scalable-target',
    min,
    max,
    utilization,
    putPolicy: !policyOk,
    previous: st,
    adopt: adopting,
    ownsConfig,
    reason: `${window}: ${change}, target tracking at ${utilization}${capped}${adopting ? ' (adopting it)' : ''}${
      lowered ? '; lowered explicitly because target tracking never scales in without traffic' : ''
    }`,
  };
}

interface ReleaseOptions {
  /** The config under the scalable target is Thermostat's (it put or adopted it): only then is it deleted. */
  readonly ownsConfig: boolean;
  /** The policy adopts what someone else set up (reasons say so). */
  readonly adopting?: boolean;
  /** The policy still wants autoscaling, in a window that allows none (reported even when nothing is there). */
  readonly reconciling?: boolean;
}

/**
 * Removes the autoscaling setup Thermostat owns: its scalable target, and the config under it only when that config
 * is Thermostat's too; a config someone else created is reported and stays, and Thermostat forgets the qualifier.
 */
function releaseAutoscaling(base: Base, why: string, options: ReleaseOptions, obs: TargetObservation): Decision[] {
  const pc = obs.provisioned!;
  const st = obs.scalableTarget!;
  const decisions: Decision[] = [];
  if (st) {
    decisions.push({
      ...base,
      kind: 'deregister-scalable-target',
      previous: st,
      reason: `${why}: removing the scalable target ${options.adopting ? 'it adopts' : 'Thermostat registered'} (min ${st.min}, max ${st.max})`,
    });
  }
  if (pc && options.ownsConfig) {
    decisions.push({
      ...base,
      kind: 'delete-provisioned',
      previous: pc.requested,
      reason: `${why}: deleting the provisioned concurrency (${pc.requested}) ${options.adopting ? 'it adopts' : 'Thermostat set'}`,
    });
  } else if (pc) {
    decisions.push(...configNotOurs(base, why, pc.requested));
  }
  if (decisions.length === 0) {
    if (obs.managed) decisions.push(forget(base, `${why} and nothing Thermostat created is left`));
    else if (options.reconciling) decisions.push(keep(base, 0, 0, 'NONE', undefined, `${why}; nothing is configured`));
  }
  return decisions;
}

/** The direct strategy's value: the policy's min, raised toward max when the history shows more is needed. */
function directSize(
  settings: ProvisionedSettings,
  obs: TargetObservation,
  account: AccountConcurrency | undefined,
): { value: number; why: string } {
  let value = settings.min;
  let why = `provisioned.min is ${settings.min}`;
  const history = obs.utilization;
  if (history && settings.max > settings.min && history.peakConcurrency > 0) {
    const needed = Math.ceil(history.peakConcurrency / settings.utilization);
    if (needed > value) {
      value = Math.min(needed, settings.max);
      why = `peak concurrency ${history.peakConcurrency} over ${history.minutes} min at target utilisation ${settings.utilization} needs ${needed} (min ${settings.min}, max ${settings.max})`;
    }
  }
  const cap = capacityCap(obs, account);
  if (value > cap.value) {
    why += `, capped at ${cap.value} by ${cap.label}`;
    value = cap.value;
  }
  return { value, why };
}

/** The most provisioned concurrency Lambda would accept on this qualifier. */
function capacityCap(
  obs: TargetObservation,
  account: AccountConcurrency | undefined,
): { value: number; label: string } {
  let cap = { value: Number.POSITIVE_INFINITY, label: '' };
  if (typeof obs.reservedConcurrency === 'number') {
    const value = Math.max(0, obs.reservedConcurrency - (obs.provisionedElsewhere ?? 0));
    cap = {
      value,
      label: `reserved concurrency ${obs.reservedConcurrency}${obs.provisionedElsewhere ? ` minus ${obs.provisionedElsewhere} provisioned on other versions` : ''}`,
    };
  }
  if (account !== undefined) {
    // What this qualifier already holds is part of the pool it may keep.
    const value = Math.max(0, account.unreserved - ACCOUNT_FLOOR + (obs.provisioned?.requested ?? 0));
    if (value < cap.value)
      cap = { value, label: `the account's unreserved concurrency ${account.unreserved} minus ${ACCOUNT_FLOOR}` };
  }
  return cap;
}

function blockedBecause(base: Base, obs: TargetObservation): string | undefined {
  if (base.qualifier === undefined || base.qualifier === '$LATEST') {
    return 'it needs an alias or a version, never $LATEST';
  }
  if (obs.snapStart) return `SnapStart is on for ${qualifierText(base)}`;
  if (obs.weightedAlias) return `alias ${base.qualifier} has routing weights (a deployment is shifting traffic)`;
  return undefined;
}

function notObserved(base: Base, verb: 'removes' | 'writes'): ProvisionedPlan {
  const reason = `provisioned concurrency state could not be read; Thermostat ${verb} nothing blind and retries next tick`;
  return { decisions: [{ ...base, kind: 'skip', cause: 'not-observed', reason }] };
}

function leaveAlone(base: Base, owner: 'provisioned-config' | 'scalable-target', reason: string): Decision {
  return { ...base, kind: 'leave-alone', owner, reason };
}

/** Leaves what another owner now controls in place, and stops tracking the qualifier as Thermostat's. */
function handOver(
  base: Base,
  owner: 'provisioned-config' | 'scalable-target',
  reason: string,
  forgetting: string,
): Decision[] {
  return [leaveAlone(base, owner, reason), forget(base, forgetting)];
}

/** The config under Thermostat's scalable target was created by someone else: it stays with its owner. */
function configNotOurs(base: Base, why: string, requested: number, hint = ''): Decision[] {
  return handOver(
    base,
    'provisioned-config',
    `${why}, but the provisioned concurrency (${requested}) on ${qualifierText(base)} was not set by Thermostat; left in place${hint}`,
    'Thermostat owns nothing here any more',
  );
}

function keep(
  base: Base,
  requested: number,
  allocated: number,
  status: 'IN_PROGRESS' | 'READY' | 'FAILED' | 'NONE',
  owned: ManagedProvisioned | undefined,
  reason: string,
): Decision {
  return { ...base, kind: 'keep-provisioned', requested, allocated, status, owned, reason };
}

function forget(base: Base, reason: string): Decision {
  return { ...base, kind: 'forget', reason };
}

export function qualifierText(base: Pick<Base, 'function' | 'qualifier'>): string {
  return `${base.function}:${base.qualifier ?? '$LATEST'}`;
}
