/**
 * Reads a policy set from disk: files and directories of `.yaml`, `.yml` and `.json` files. With read.ts, the only
 * files of the policy module that touch the file system. Never throws for bad content: unreadable paths, special
 * files, oversized or mis-encoded files, broken files and invalid policies are all issues (bounded in number), and
 * every valid policy is still returned.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { capIssues, type PolicyIssue } from './issues';
import { type LoadedPolicy, type LoadedTemplate, type SourceDocument, sortIssues, validateDocuments } from './parse';
import { readPolicyText } from './read';
import type { PolicyDefaults } from './schema';
import { readDocuments } from './source';

export { formatIssue, type PolicyIssue, PolicyValidationError } from './issues';
export { type LoadedPolicy, type LoadedTemplate, type ParseResult, parsePolicyValue } from './parse';
export { parsePolicySource } from './source';

export interface PolicySet {
  policies: LoadedPolicy[];
  /** Templates for functions discovered by tag (`template:` documents); absent when there are none. */
  templates?: LoadedTemplate[];
  defaults?: PolicyDefaults;
  issues: PolicyIssue[];
  /** Every file that was read, in order. */
  files: string[];
}

export const POLICY_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;
const isPolicyFile = (name: string) => (POLICY_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}

/** Policy files under a directory, sorted, skipping hidden entries (e.g. `.git`). */
function listDirectory(dir: string, cwd: string): string[] {
  const files: string[] = [];
  const entries = readdirSync(resolve(cwd, dir), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listDirectory(path, cwd));
    else if (isPolicyFile(entry.name)) files.push(path);
  }
  return files;
}

export interface LoadOptions {
  /** Directory that relative paths are read from; issues keep the paths as given. Default: process.cwd(). */
  cwd?: string;
}

/**
 * Loads files and directories (recursively) as one policy set. The set may hold one defaults document, which
 * every policy inherits.
 * @example const set = loadPolicySet(['policies/']); if (set.issues.length) throw new PolicyValidationError(set.issues);
 */
export function loadPolicySet(paths: readonly string[], options: LoadOptions = {}): PolicySet {
  const cwd = options.cwd ?? process.cwd();
  const issues: PolicyIssue[] = [];
  const files: string[] = [];
  for (const path of paths) {
    try {
      if (statSync(resolve(cwd, path)).isDirectory()) {
        const found = listDirectory(path, cwd);
        if (found.length === 0)
          issues.push({ file: path, path: '', message: 'no policy files (.yaml, .yml, .json) in this directory' });
        files.push(...found);
      } else if (isPolicyFile(path)) files.push(path);
      else issues.push({ file: path, path: '', message: 'not a policy file; expected a .yaml, .yml or .json file' });
    } catch (error) {
      issues.push({ file: path, path: '', message: `cannot read: ${reason(error)}` });
    }
  }
  // The same file named twice (directly and through its directory) is read once.
  const seen = new Set<string>();
  const unique = files.filter((file) => {
    const absolute = resolve(cwd, file);
    if (seen.has(absolute)) return false;
    seen.add(absolute);
    return true;
  });
  const documents: SourceDocument[] = [];
  for (const file of unique) {
    const decoded = readPolicyText(resolve(cwd, file));
    if ('problem' in decoded) {
      issues.push({ file, path: '', message: decoded.problem });
      continue;
    }
    const read = readDocuments(decoded.text, file);
    issues.push(...read.issues);
    documents.push(...read.documents);
  }
  const result = validateDocuments(documents);
  return {
    policies: result.policies,
    ...(result.templates && { templates: result.templates }),
    ...(result.defaults && { defaults: result.defaults }),
    issues: capIssues(sortIssues([...issues, ...result.issues], [...paths, ...unique])),
    files: unique,
  };
}
