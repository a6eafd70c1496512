/**
 * A JSON policy set: the form the construct hands the controller, and that people may write by hand. Either an
 * array of policies, or `{ "policies": [...], "defaults": {...} }` (with `version` and `sources`, which the
 * construct adds for people, and `$schema`). Each entry becomes a document of its own, so a set is validated like
 * a directory of files: one defaults document at most, and two entries naming the same function and qualifier are
 * both rejected, naming each other.
 */
import { capIssues, type PathSegment, type PolicyIssue } from './issues';
import { got, unknownKey } from './messages';
import { type ParseResult, type SourceDocument, sortIssues, validateDocuments } from './parse';

const SET_KEYS = ['policies', 'defaults', 'version', 'sources', '$schema'] as const;

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a value that is a policy set rather than one policy or one defaults document. */
export function isPolicySet(value: unknown): boolean {
  return Array.isArray(value) || (isMapping(value) && Array.isArray(value.policies) && !('function' in value));
}

/** The documents of a set (the document itself when it is not one). Linear in the number of entries. */
export function expandPolicySet(doc: SourceDocument): { documents: SourceDocument[]; issues: PolicyIssue[] } {
  const { value } = doc;
  if (!isPolicySet(value)) return { documents: [doc], issues: [] };
  const base: PathSegment[] = Array.isArray(value) ? [] : ['policies'];
  const entries = (Array.isArray(value) ? value : (value as { policies: unknown[] }).policies) as unknown[];
  const documents: SourceDocument[] = [];
  const issues: PolicyIssue[] = [];
  if (isMapping(value)) {
    for (const key of Object.keys(value))
      if (!(SET_KEYS as readonly string[]).includes(key))
        issues.push({
          file: doc.file,
          path: key,
          message: unknownKey(key, SET_KEYS),
          ...doc.locate([key], true),
        });
    if (value.version !== undefined && value.version !== 1)
      issues.push({
        file: doc.file,
        path: 'version',
        message: `policy set version ${got(value.version)} is not one this version of Thermostat reads (1)`,
        ...doc.locate(['version']),
      });
    if (value.defaults !== undefined)
      documents.push({ file: doc.file, index: doc.index, value: { defaults: value.defaults }, locate: doc.locate });
  }
  entries.forEach((entry, index) => {
    const at = [...base, index];
    documents.push({
      file: doc.file,
      index,
      value: entry,
      prefix: at,
      locate: (path, atKey) => doc.locate([...at, ...path], atKey),
    });
  });
  return { documents, issues };
}

/**
 * Validates a parsed JSON value as a policy file: a set (array or `{ policies }`), one policy or one defaults
 * document. No YAML and no file system, so the controller bundle can use it. Never throws for bad content.
 * @example parsePolicyJson(JSON.parse(text), 'policies.json').policies.map((p) => p.key)
 */
export function parsePolicyJson(value: unknown, file: string): ParseResult {
  const expanded = expandPolicySet({ file, index: 0, value, locate: () => undefined });
  const result = validateDocuments(expanded.documents);
  return { ...result, issues: capIssues(sortIssues([...expanded.issues, ...result.issues])) };
}
