/**
 * Rules that span fields, checked after the set's defaults are merged (a policy may inherit its mode, a window
 * may inherit its max). Each rule is checked for the base settings and for every window, because a window is
 * where a setting most often becomes wrong.
 */
import type { LocalIssue, PathSegment } from './issues';
import { mergeSection } from './merge';
import { BUILTIN_DEFAULTS, type Policy, type PolicyWindow } from './schema';

const TIME = /^([01]?\d|2[0-3]):[0-5]\d$|^24:00$/;
const toMinutes = (time: string) => {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
};
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rules about the windows list alone. They read the document as written (not the parsed policy) so they still
 * report when another field of the same document is invalid; fields of the wrong type are left to the schema.
 */
export function windowIssues(doc: unknown, prefix: PathSegment[] = []): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const windows = isRecord(doc) && Array.isArray(doc.windows) ? doc.windows : [];
  const seen = new Map<string, number>();
  windows.forEach((window: unknown, i) => {
    if (!isRecord(window)) return;
    const at = (...rest: PathSegment[]) => [...prefix, 'windows', i, ...rest];
    const { name, from, to, days } = window;
    if (typeof name === 'string' && name !== '') {
      const first = seen.get(name);
      if (first !== undefined)
        issues.push({
          path: at('name'),
          message: `"${name}" is already the name of windows[${first}]; window names must be unique`,
        });
      else seen.set(name, i);
    }
    if (typeof from === 'string' && typeof to === 'string' && TIME.test(from) && TIME.test(to)) {
      if (toMinutes(from) === toMinutes(to))
        issues.push({
          path: at('to'),
          message: `"${to}" equals from ("${from}"), which leaves the window empty; for a whole day write from: "00:00" and to: "24:00"`,
        });
    }
    if (Array.isArray(days))
      days.forEach((day: unknown, d) => {
        if (typeof day === 'string' && days.indexOf(day) !== d)
          issues.push({ path: at('days', d), message: `"${day}" is listed twice` });
      });
    if (!['mode', 'warm', 'provisioned', 'budget'].some((key) => key in window))
      issues.push({
        path: at(),
        message: `window ${typeof name === 'string' && name !== '' ? `"${name}" ` : ''}overrides nothing; add mode, warm, provisioned or budget`,
      });
  });
  return issues;
}

const needsQualifier = (mode: string) => mode === 'provisioned' || mode === 'auto';

/** Where a value came from, for messages about settings a policy inherited. */
export interface Provenance {
  /** The policy as written in its file, before defaults. */
  own: Policy;
  /** The file the defaults came from, when any. */
  defaultsFile?: string;
}

/** The cross-field rules for one merged policy. */
export function policyIssues(policy: Policy, provenance: Provenance = { own: policy }): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const { own } = provenance;
  const inherited = (present: boolean) =>
    present || provenance.defaultsFile === undefined ? '' : ` (inherited from ${provenance.defaultsFile})`;

  const baseMode = policy.mode ?? BUILTIN_DEFAULTS.mode;
  const qualifierMessage = (mode: string, origin: string) =>
    policy.qualifier === undefined
      ? `missing; mode "${mode}"${origin} needs an alias or a published version, because Lambda refuses provisioned concurrency on $LATEST; add e.g. qualifier: live`
      : `$LATEST cannot be used with mode "${mode}"${origin}: Lambda refuses provisioned concurrency on $LATEST; use an alias or a published version`;
  const qualifierOk = policy.qualifier !== undefined && policy.qualifier !== '$LATEST';
  if (needsQualifier(baseMode) && !qualifierOk)
    issues.push({ path: ['qualifier'], message: qualifierMessage(baseMode, inherited(own.mode !== undefined)) });

  checkSettings(issues, policy, undefined, [], inherited(own.budget?.maxConcurrency !== undefined));
  (policy.windows ?? []).forEach((window, i) => {
    const prefix: PathSegment[] = ['windows', i];
    if (window.mode !== undefined && needsQualifier(window.mode) && !qualifierOk)
      issues.push({
        path: [...prefix, 'mode'],
        message: `mode "${window.mode}" needs a qualifier that is an alias or a published version (Lambda refuses provisioned concurrency on $LATEST); set qualifier: on the policy`,
      });
    const capOwner = window.budget?.maxConcurrency !== undefined || own.budget?.maxConcurrency !== undefined;
    checkSettings(issues, policy, window, prefix, inherited(capOwner));
  });
  // Windows the policy inherited are not in its file; say where they are.
  const windowsOrigin = inherited(own.windows !== undefined);
  if (windowsOrigin !== '')
    for (const issue of issues)
      if (issue.path[0] === 'windows') issue.message += ` (the window is ${windowsOrigin.slice(2)}`;
  return issues;
}

/** min <= max and the budget, for the base settings (no window) or one window's merged settings. */
function checkSettings(
  issues: LocalIssue[],
  policy: Policy,
  window: PolicyWindow | undefined,
  prefix: PathSegment[],
  /** " (inherited from <file>)" when the budget cap came from the defaults. */
  capOrigin: string,
): void {
  const provisioned = { ...mergeSection(policy.provisioned, window?.provisioned) };
  const warm = { ...mergeSection(policy.warm, window?.warm) };
  const budget = { ...mergeSection(policy.budget, window?.budget) };
  const mode = window?.mode ?? policy.mode ?? BUILTIN_DEFAULTS.mode;
  // A window is only blamed for what it sets itself; the base settings are checked on their own.
  const sets = (section: 'provisioned' | 'warm' | 'budget', key: string) =>
    window === undefined ? true : (window[section] as Record<string, unknown> | undefined)?.[key] !== undefined;
  const min = provisioned.min ?? BUILTIN_DEFAULTS.provisioned.min;

  if (
    provisioned.max !== undefined &&
    min > provisioned.max &&
    (sets('provisioned', 'min') || sets('provisioned', 'max'))
  ) {
    const blameMax = sets('provisioned', 'max');
    issues.push({
      path: [...prefix, 'provisioned', blameMax ? 'max' : 'min'],
      message: blameMax
        ? `max ${provisioned.max} is below min ${min}; max must be at least min`
        : `min ${min} is above max ${provisioned.max}; max must be at least min`,
    });
  }

  const cap = budget.maxConcurrency;
  if (cap === undefined) return;
  /** Blames the field the user set: the demand when it was set here, the cap otherwise. */
  const overBudget = (field: string[], amount: number, what: string) => {
    const blameDemand = sets(field[0] as 'warm' | 'provisioned', field[1]!);
    if (!blameDemand && !sets('budget', 'maxConcurrency')) return;
    issues.push({
      path: [...prefix, ...(blameDemand ? field : ['budget', 'maxConcurrency'])],
      message: blameDemand
        ? `${amount} is above budget.maxConcurrency ${cap}${capOrigin}; lower it or raise the budget`
        : `${cap} is below ${what} (${amount}); raise the budget or lower ${what}`,
    });
  };
  const concurrency = warm.concurrency ?? BUILTIN_DEFAULTS.warm.concurrency;
  if ((mode === 'warm' || mode === 'auto') && concurrency > cap)
    overBudget(['warm', 'concurrency'], concurrency, 'warm.concurrency');
  const field = provisioned.max !== undefined ? 'max' : 'min';
  const most = provisioned.max ?? min;
  if ((mode === 'provisioned' || mode === 'auto') && most > cap)
    overBudget(['provisioned', field], most, `provisioned.${field}`);
}
