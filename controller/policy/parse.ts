/**
 * From parsed documents to validated policies: each document is a policy or a `defaults:` document, the set's
 * defaults are merged in, and duplicates are found. No YAML and no file system here, so the controller can
 * validate JSON configuration without bundling a YAML parser (see core.ts). Nothing here throws for bad content.
 */

import type * as z from 'zod/mini';
import { functionName, policyKey, targetIdentity } from './function-name';
import { formatPath, fromZodIssues, type LocalIssue, type PathSegment, type PolicyIssue } from './issues';
import { mergeDefaults } from './merge';
import { policyIssues, windowIssues } from './rules';
import { DefaultsDocumentSchema, type Policy, type PolicyDefaults, PolicySchema } from './schema';

export interface LoadedPolicy {
  file: string;
  /** Index of the document in its file (0 for single-document files). */
  index: number;
  /** The policy with the set's defaults merged in (built-in defaults are applied by resolvePolicy). */
  policy: Policy;
  /** `<function>:<qualifier or $LATEST>`, the function as written. */
  key: string;
}

/**
 * A policy for functions found at tick time by tag (`thermostat:policy=<name>`): a policy document with
 * `template: <name>` instead of `function`. Its `policy.function` is a stand-in, replaced by each tagged function.
 */
export interface LoadedTemplate {
  file: string;
  index: number;
  name: string;
  policy: Policy;
}

/** The `function` a template is validated with (any valid name; each tagged function replaces it). */
export const TEMPLATE_FUNCTION = 'thermostat-template';
/** Template names are tag values: AWS allows letters, digits, spaces and _ . : / = + - @ up to 256. */
const TEMPLATE_NAME = /^[\p{L}\p{N}_.:/=+@ -]{1,256}$/u;

export interface ParseResult {
  policies: LoadedPolicy[];
  /** Templates for tagged functions; absent when the set has none. */
  templates?: LoadedTemplate[];
  issues: PolicyIssue[];
  /** The defaults that applied: passed in, or found in the text. */
  defaults?: PolicyDefaults;
}

/** One document of a file, with a way to find the line of a path inside it. */
export interface SourceDocument {
  file: string;
  index: number;
  value: unknown;
  locate(path: readonly PathSegment[], atKey?: boolean): { line: number; column: number } | undefined;
  /** Where the document sits inside its file when it is one entry of a JSON policy set, e.g. `policies[3]`. */
  prefix?: readonly PathSegment[];
}

export const EXPECTED_DOCUMENT = 'a policy (function: ..., mode: ...) or a defaults document (defaults: ...)';

function located(doc: SourceDocument, issues: readonly LocalIssue[]): PolicyIssue[] {
  return issues.map((issue) => ({
    file: doc.file,
    path: formatPath([...(doc.prefix ?? []), ...issue.path]),
    message: issue.message,
    ...doc.locate(issue.path, issue.atKey),
  }));
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a `defaults:` document; such documents are validated by validateDefaults. */
export function isDefaultsDocument(doc: SourceDocument): boolean {
  return isMapping(doc.value) && 'defaults' in doc.value;
}

/** Validates a `defaults:` document. */
export function validateDefaults(doc: SourceDocument): { defaults?: PolicyDefaults; issues: PolicyIssue[] } {
  const parsed = lenientParse(DefaultsDocumentSchema, doc.value);
  const rules = windowIssues((doc.value as { defaults?: unknown }).defaults, ['defaults']).filter(
    (issue) => !parsed.stripped.some((path) => overlaps(path, issue.path)),
  );
  const issues = located(doc, [...parsed.issues, ...rules]);
  return issues.length > 0 || parsed.data === undefined ? { issues } : { defaults: parsed.data.defaults, issues };
}

/** What the set's defaults are, for a policy being validated against them. */
export type DefaultsState =
  | { kind: 'none' }
  | { kind: 'valid'; defaults: PolicyDefaults; file: string }
  | { kind: 'invalid'; files: string[] };

/** True for a template document (`template:` and no `function:`). */
export function isTemplateDocument(doc: SourceDocument): boolean {
  return isMapping(doc.value) && 'template' in doc.value && !('function' in doc.value);
}

/** Validates a template document: its name, then the rest exactly as a policy for a stand-in function. */
export function validateTemplate(
  doc: SourceDocument,
  defaults: DefaultsState,
): { template?: LoadedTemplate; issues: PolicyIssue[] } {
  const { template: name, ...rest } = doc.value as Record<string, unknown>;
  if (typeof name !== 'string' || !TEMPLATE_NAME.test(name)) {
    const message = `expected a template name usable as a tag value (letters, digits, spaces and _ . : / = + - @, up to 256), got ${JSON.stringify(name)}`;
    return { issues: located(doc, [{ path: ['template'], message }]) };
  }
  const result = validatePolicy({ ...doc, value: { function: TEMPLATE_FUNCTION, ...rest } }, defaults);
  if (!result.policy) return { issues: result.issues };
  return { template: { file: doc.file, index: doc.index, name, policy: result.policy.policy }, issues: [] };
}

/** Validates one policy document and merges the set's defaults into it. */
export function validatePolicy(
  doc: SourceDocument,
  defaults: DefaultsState,
): { policy?: LoadedPolicy; issues: PolicyIssue[] } {
  if (!isMapping(doc.value))
    return {
      issues: located(doc, [{ path: [], message: `expected ${EXPECTED_DOCUMENT}, got ${describeValue(doc.value)}` }]),
    };
  const parsed = lenientParse(PolicySchema, doc.value);
  if (parsed.issues.length > 0 && !('function' in doc.value) && /default/i.test(doc.file))
    for (const issue of parsed.issues)
      if (formatPath(issue.path) === 'function')
        issue.message += '; a defaults document puts its settings under defaults:';
  const own = parsed.data && withoutSchemaKey(parsed.data);
  const shape = windowIssues(doc.value).filter((issue) => !parsed.stripped.some((path) => overlaps(path, issue.path)));
  if (own === undefined) return { issues: located(doc, [...parsed.issues, ...shape]) };
  if (defaults.kind === 'invalid') {
    const local = [
      ...parsed.issues,
      ...shape,
      { path: [], message: `not loaded, because the defaults it inherits are invalid (${defaults.files.join(', ')})` },
    ];
    return { issues: located(doc, local) };
  }
  const policy = defaults.kind === 'valid' ? mergeDefaults(own, defaults.defaults) : own;
  const provenance = defaults.kind === 'valid' ? { own, defaultsFile: defaults.file } : { own };
  const rules = [...shape, ...policyIssues(policy, provenance)].filter(
    (issue) => !parsed.stripped.some((path) => overlaps(path, issue.path)),
  );
  const local = [...parsed.issues, ...rules];
  if (local.length > 0) return { issues: located(doc, local) };
  return {
    policy: { file: doc.file, index: doc.index, policy, key: policyKey(policy.function, policy.qualifier) },
    issues: [],
  };
}

function withoutSchemaKey<T extends { $schema?: string | undefined }>(value: T): Omit<T, '$schema'> {
  const { $schema: _ignored, ...rest } = value;
  return rest;
}

const overlaps = (a: readonly PathSegment[], b: readonly PathSegment[]) =>
  a.slice(0, Math.min(a.length, b.length)).every((segment, i) => segment === b[i]);

/**
 * Parses with the schema; when that fails, removes each invalid field and parses again, so the cross-field rules
 * can still report on everything else in the same run. `data` is set when the remainder is valid, and is only
 * ever used to find more issues, never loaded.
 */
function lenientParse<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
): { data?: z.infer<S>; issues: LocalIssue[]; stripped: PathSegment[][] } {
  const first = schema.safeParse(value);
  if (first.success) return { data: first.data, issues: [], stripped: [] };
  const issues = fromZodIssues(first.error.issues, schema);
  const copy = structuredClone(value) as Record<PathSegment, unknown>;
  const stripped: PathSegment[][] = [];
  for (const issue of issues) {
    // Array items are removed with their whole list, so later items keep their index in any rule's path.
    const path = [...issue.path];
    while (typeof path[path.length - 1] === 'number') path.pop();
    if (path.length === 0) return { issues, stripped };
    let parent: unknown = copy;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<PathSegment, unknown> | undefined)?.[segment];
    if (typeof parent === 'object' && parent !== null)
      delete (parent as Record<PathSegment, unknown>)[path[path.length - 1]!];
    stripped.push(path);
  }
  const second = schema.safeParse(copy);
  return second.success ? { data: second.data, issues, stripped } : { issues, stripped };
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return String(value);
}

/**
 * Validates a whole set of documents: finds the single defaults document, validates every policy against it, and
 * drops every policy whose function and qualifier another policy also claims (naming both places).
 */
export function validateDocuments(
  documents: readonly SourceDocument[],
  given?: PolicyDefaults,
): { policies: LoadedPolicy[]; templates?: LoadedTemplate[]; issues: PolicyIssue[]; defaults?: PolicyDefaults } {
  const issues: PolicyIssue[] = [];
  const where = documentPlaces(documents);
  const state = defaultsOf(documents, given, where, issues);
  const { loaded, templates, docOf } = validateEach(documents, state, issues);
  const duplicates = duplicatePolicies(loaded, docOf, where, issues);
  const policies = loaded.filter((policy) => !duplicates.has(policy));
  const defaults = given ?? (state.kind === 'valid' ? state.defaults : undefined);
  return {
    policies,
    ...(templates.length > 0 ? { templates } : {}),
    issues,
    ...(defaults === undefined ? {} : { defaults }),
  };
}

/** How messages name a document: its file, with the place inside it when the file holds more than one. */
function documentPlaces(documents: readonly SourceDocument[]): (doc: SourceDocument) => string {
  const perFile = new Map<string, number>();
  for (const doc of documents) perFile.set(doc.file, (perFile.get(doc.file) ?? 0) + 1);
  return (doc) =>
    doc.prefix !== undefined && doc.prefix.length > 0
      ? `${doc.file} (at ${formatPath(doc.prefix)})`
      : perFile.get(doc.file)! > 1
        ? `${doc.file} (document ${doc.index + 1})`
        : doc.file;
}

/** The set's defaults: the caller's, or its one defaults document; more than one is an issue on each. */
function defaultsOf(
  documents: readonly SourceDocument[],
  given: PolicyDefaults | undefined,
  where: (doc: SourceDocument) => string,
  issues: PolicyIssue[],
): DefaultsState {
  const defaultDocs = documents.filter(isDefaultsDocument);
  if (defaultDocs.length === 0)
    return given === undefined ? { kind: 'none' } : { kind: 'valid', defaults: given, file: 'the given defaults' };
  const results = defaultDocs.map((doc) => ({ doc, ...validateDefaults(doc) }));
  for (const result of results) issues.push(...result.issues);
  if (given !== undefined || defaultDocs.length > 1) {
    for (const doc of defaultDocs) {
      const others = defaultDocs.filter((other) => other !== doc).map(where);
      if (given !== undefined) others.unshift('the defaults given by the caller');
      issues.push(
        ...located(doc, [
          {
            path: ['defaults'],
            message: `a set has one defaults document, but defaults are also in ${others.join(', ')}`,
          },
        ]),
      );
    }
    return { kind: 'invalid', files: defaultDocs.map(where) };
  }
  const [only] = results;
  return only!.defaults
    ? { kind: 'valid', defaults: only!.defaults, file: where(only!.doc) }
    : { kind: 'invalid', files: [where(only!.doc)] };
}

/** Every policy and template document validated against the defaults; template names must be unique. */
function validateEach(documents: readonly SourceDocument[], state: DefaultsState, issues: PolicyIssue[]) {
  const loaded: LoadedPolicy[] = [];
  const templates: LoadedTemplate[] = [];
  const docOf = new Map<LoadedPolicy, SourceDocument>();
  for (const doc of documents) {
    if (isDefaultsDocument(doc)) continue;
    if (isTemplateDocument(doc)) {
      const result = validateTemplate(doc, state);
      issues.push(...result.issues);
      const twin = result.template && templates.find((other) => other.name === result.template!.name);
      if (twin) {
        const message = `template ${JSON.stringify(twin.name)} is also defined in ${twin.file}; template names are unique`;
        issues.push(...located(doc, [{ path: ['template'], message }]));
      } else if (result.template) templates.push(result.template);
      continue;
    }
    const result = validatePolicy(doc, state);
    issues.push(...result.issues);
    if (result.policy) {
      loaded.push(result.policy);
      docOf.set(result.policy, doc);
    }
  }
  return { loaded, templates, docOf };
}

/** The policies that claim a target another policy also claims, each group reported as issues. */
function duplicatePolicies(
  loaded: readonly LoadedPolicy[],
  docOf: ReadonlyMap<LoadedPolicy, SourceDocument>,
  where: (doc: SourceDocument) => string,
  issues: PolicyIssue[],
): Set<LoadedPolicy> {
  const byTarget = new Map<string, LoadedPolicy[]>();
  for (const policy of loaded) {
    const identity = targetIdentity(policy.policy.function, policy.policy.qualifier);
    const group = byTarget.get(identity);
    if (group === undefined) byTarget.set(identity, [policy]);
    else group.push(policy);
  }
  const duplicates = new Set<LoadedPolicy>();
  for (const group of byTarget.values()) {
    if (group.length < 2) continue;
    for (const policy of group) duplicates.add(policy);
    issues.push(
      ...duplicateIssues(
        group.map((policy) => ({ policy, doc: docOf.get(policy)! })),
        where,
      ),
    );
  }
  return duplicates;
}

/** Places named in one duplicate message, and duplicates given a message of their own, per target. */
export const DUPLICATES_LISTED = 5;
export const DUPLICATES_REPORTED = 10;

/**
 * The issues for policies that claim the same target. Linear in the group and bounded in output: the first
 * DUPLICATES_REPORTED get an issue naming up to DUPLICATES_LISTED of the others, and one more line counts the rest
 * (100 000 documents naming one function print a dozen lines, not ten billion names).
 */
function duplicateIssues(
  group: ReadonlyArray<{ policy: LoadedPolicy; doc: SourceDocument }>,
  where: (doc: SourceDocument) => string,
): PolicyIssue[] {
  const { function: fn, qualifier } = group[0]!.policy.policy;
  const target = `${functionName(fn)} (qualifier ${qualifier ?? '$LATEST'})`;
  const named = group.slice(0, DUPLICATES_LISTED + 1).map(({ doc }) => where(doc));
  const issues: PolicyIssue[] = [];
  group.slice(0, DUPLICATES_REPORTED).forEach(({ doc }, position) => {
    const others = named.filter((_, i) => i !== position).slice(0, DUPLICATES_LISTED);
    const more = group.length - 1 - others.length;
    const rest = more > 0 ? ` and ${more} more place${more === 1 ? '' : 's'}` : '';
    issues.push(
      ...located(doc, [
        {
          path: ['function'],
          message: `${target} also has a policy in ${others.join(', ')}${rest}; keep one policy per function and qualifier`,
        },
      ]),
    );
  });
  const unlisted = group.length - DUPLICATES_REPORTED;
  if (unlisted > 0)
    issues.push(
      ...located(group[DUPLICATES_REPORTED]!.doc, [
        {
          path: ['function'],
          message: `${unlisted} more polic${unlisted === 1 ? 'y' : 'ies'} for ${target}, from here on, not listed one by one; keep one policy per function and qualifier`,
        },
      ]),
    );
  return issues;
}

/** Validates an already-parsed value (e.g. a policy object given to the construct) as if it were a file. */
export function parsePolicyValue(value: unknown, origin: string, defaults?: PolicyDefaults): ParseResult {
  const documents: SourceDocument[] = [{ file: origin, index: 0, value, locate: () => undefined }];
  return validateDocuments(documents, defaults);
}

/** Orders issues by file (in the order files first appear), then by line and column. */
export function sortIssues(issues: readonly PolicyIssue[], files: readonly string[] = []): PolicyIssue[] {
  const fileOrder = new Map<string, number>(files.map((file, i) => [file, i]));
  for (const issue of issues) if (!fileOrder.has(issue.file)) fileOrder.set(issue.file, fileOrder.size);
  return [...issues].sort(
    (a, b) =>
      fileOrder.get(a.file)! - fileOrder.get(b.file)! ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}
