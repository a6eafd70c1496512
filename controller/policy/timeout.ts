/**
 * holdMs against the function's real timeout, which only the caller knows (the construct from the function's
 * props, the controller from GetFunctionConfiguration). A ping held past the timeout fails instead of proving an
 * environment, so holdMs must leave the function half its timeout.
 */
import { formatDuration } from './duration';
import { formatPath, type PathSegment, type PolicyIssue } from './issues';
import type { LoadedPolicy } from './parse';
import { BUILTIN_DEFAULTS } from './schema';

/** Issues for every holdMs (base and windows) that is more than half the function timeout. */
export function timeoutIssues(loaded: LoadedPolicy, functionTimeoutMs: number): PolicyIssue[] {
  const limit = Math.floor(functionTimeoutMs / 2);
  const issues: PolicyIssue[] = [];
  const check = (holdMs: number | undefined, path: PathSegment[]) => {
    if (holdMs !== undefined && holdMs > limit)
      issues.push({
        file: loaded.file,
        path: formatPath(path),
        message: `${holdMs} ms is more than half the function timeout (${formatDuration(functionTimeoutMs)}); use at most ${limit}, or raise the timeout`,
      });
  };
  check(loaded.policy.warm?.holdMs ?? BUILTIN_DEFAULTS.warm.holdMs, ['warm', 'holdMs']);
  loaded.policy.windows?.forEach((window, i) => {
    check(window.warm?.holdMs, ['windows', i, 'warm', 'holdMs']);
  });
  return issues;
}
