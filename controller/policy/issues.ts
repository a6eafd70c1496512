/**
 * Policy problems as users read them: file, path inside the document, what is wrong and what is allowed.
 */
import type * as z from 'zod/mini';
import { suggest, unknownKey } from './messages';

export interface PolicyIssue {
  /** The file as given (or found in a directory), e.g. `policies/api.yaml`. */
  file: string;
  /** Where in the document, e.g. `windows[1].timezone`; "" for the whole document or file. */
  path: string;
  message: string;
  /** 1-based line and column in the file, when known. */
  line?: number;
  column?: number;
}

export type PathSegment = string | number;

/** `['windows', 1, 'timezone']` → `windows[1].timezone`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/**
 * One line per issue: `policies/api.yaml: windows[1].timezone: unknown time zone "Europe/Pariss" (line 12, column 15)`.
 * The location goes last so the `file: path: message` prefix stays stable for people and scripts.
 */
export function formatIssue(issue: PolicyIssue): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  const at =
    issue.line === undefined
      ? ''
      : ` (line ${issue.line}${issue.column === undefined ? '' : `, column ${issue.column}`})`;
  return `${issue.file}: ${where}${issue.message}${at}`;
}

/** Problems listed per file and in all; past these, one line says how many more there are. */
export const MAX_ISSUES_PER_FILE = 100;
export const MAX_ISSUES = 500;
/** Longest message kept: messages quote what was written, and a value can be a megabyte long. */
export const MAX_MESSAGE_LENGTH = 1_000;

/**
 * Bounds what a broken set prints, however broken: at most MAX_ISSUES_PER_FILE problems per file and MAX_ISSUES in
 * all, each message at most MAX_MESSAGE_LENGTH characters. Issues are kept in the order given (sort them first).
 */
export function capIssues(issues: readonly PolicyIssue[]): PolicyIssue[] {
  const kept: PolicyIssue[] = [];
  const perFile = new Map<string, number>();
  const dropped = new Map<string, number>();
  for (const issue of issues) {
    const count = (perFile.get(issue.file) ?? 0) + 1;
    perFile.set(issue.file, count);
    if (count > MAX_ISSUES_PER_FILE || kept.length >= MAX_ISSUES) {
      dropped.set(issue.file, (dropped.get(issue.file) ?? 0) + 1);
      continue;
    }
    kept.push(
      issue.message.length > MAX_MESSAGE_LENGTH
        ? { ...issue, message: `${issue.message.slice(0, MAX_MESSAGE_LENGTH)}… (message cut)` }
        : issue,
    );
  }
  for (const [file, count] of dropped)
    kept.push({
      file,
      path: '',
      message: `${count} more problem${count === 1 ? '' : 's'} in this file not listed; fix the ones above and validate again`,
    });
  return kept;
}

/** Thrown by callers that must fail on any policy problem (construct synth, `thermostat validate`). */
export class PolicyValidationError extends Error {
  override readonly name = 'PolicyValidationError';
  readonly issues: readonly PolicyIssue[];
  constructor(issues: readonly PolicyIssue[], options?: ErrorOptions) {
    const lines = issues.map(formatIssue);
    super(
      lines.length === 1
        ? `invalid policy: ${lines[0]}`
        : `${lines.length} policy problems:\n${lines.map((l) => `  ${l}`).join('\n')}`,
      options,
    );
    this.issues = issues;
  }
}

/** A problem located by path only; the parser adds the file and the line. */
export interface LocalIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key itself rather than its value (unknown keys). */
  atKey?: boolean;
}

type AnySchema = z.core.$ZodType;

/** The schema that validates the value at `path`, looking through optional, pipe and union wrappers. */
function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema[] {
  let current: AnySchema[] = [root];
  for (const segment of [...path, undefined]) {
    const next: AnySchema[] = [];
    const visit = (schema: AnySchema): void => {
      const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
      switch (def.type) {
        case 'optional':
        case 'nullable':
        case 'default':
          visit(def.innerType as AnySchema);
          return;
        case 'pipe':
          visit(def.in as AnySchema);
          return;
        case 'union':
          for (const option of def.options as AnySchema[]) visit(option);
          return;
        default:
          if (segment === undefined) next.push(schema);
          else if (def.type === 'object' && typeof segment === 'string') {
            const child = (def.shape as Record<string, AnySchema>)[segment];
            if (child) next.push(child);
          } else if (def.type === 'array' && typeof segment === 'number') next.push(def.element as AnySchema);
      }
    };
    for (const schema of current) visit(schema);
    current = next;
  }
  return current;
}

/** Keys the object schema at `path` accepts. */
export function allowedKeys(root: AnySchema, path: readonly PropertyKey[]): string[] {
  const keys: string[] = [];
  for (const schema of schemaAt(root, path)) {
    const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    if (def.type === 'object') keys.push(...Object.keys(def.shape as object));
  }
  return keys;
}

/** The child section (e.g. `warm`) whose keys include `key`, for a setting written one level too high. */
function sectionHolding(root: AnySchema, path: readonly PropertyKey[], keys: readonly string[], key: string) {
  return keys.find((section) => allowedKeys(root, [...path, section]).includes(key));
}

const toSegments = (path: readonly PropertyKey[]): PathSegment[] =>
  path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));

/** zod issues as local issues: one per unknown key (with a "did you mean"), the field's own message otherwise. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], root: AnySchema): LocalIssue[] {
  const out: LocalIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // `$schema` is accepted for editors but is not worth suggesting.
      const allowed = allowedKeys(root, issue.path).filter((key) => !key.startsWith('$'));
      for (const key of issue.keys) {
        const section =
          suggest(key, allowed) === undefined ? sectionHolding(root, issue.path, allowed, key) : undefined;
        out.push({
          path: [...toSegments(issue.path), key],
          message:
            section === undefined
              ? unknownKey(key, allowed)
              : `unknown key "${key}" here; it belongs under ${section}: (${section}.${key})`,
          atKey: true,
        });
      }
    } else {
      out.push({ path: toSegments(issue.path), message: issue.message });
    }
  }
  return out;
}
