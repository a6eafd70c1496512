/**
 * Policy text (YAML, or JSON) to documents with line and column information, then to validated policies. Several
 * YAML documents per file are allowed. Pure: no file system.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { MAX_POLICY_FILE_BYTES, withoutByteOrderMark } from './encoding';
import { capIssues, type PathSegment, type PolicyIssue } from './issues';
import { expandPolicySet } from './json-set';
import { EXPECTED_DOCUMENT, type ParseResult, type SourceDocument, sortIssues, validateDocuments } from './parse';
import type { PolicyDefaults } from './schema';

/**
 * Splits text into documents; YAML syntax errors become issues with their line and column. A document may be a
 * policy set (see json-set.ts: the construct's JSON form, which people also write in YAML), whose entries come back
 * as documents of their own.
 */
export function readDocuments(given: string, file: string): { documents: SourceDocument[]; issues: PolicyIssue[] } {
  const text = withoutByteOrderMark(given);
  if (text.length > MAX_POLICY_FILE_BYTES)
    return {
      documents: [],
      issues: [
        {
          file,
          path: '',
          message: `the text is ${text.length} characters, more than the ${MAX_POLICY_FILE_BYTES} a policy file may hold; split the set into several files`,
        },
      ],
    };
  const lineCounter = new LineCounter();
  // YAML would forgive a trailing comma in a .json file, but the editors and tools that also read it would not.
  const json = /\.json$/i.test(file);
  if (json) {
    const problem = jsonProblem(text, file);
    if (problem) return { documents: [], issues: [problem] };
  }
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const documents: SourceDocument[] = [];
  const issues: PolicyIssue[] = [];
  const all = Array.isArray(parsed) ? parsed : [];
  all.forEach((doc, index) => {
    // Later syntax errors in a document are usually echoes of the first, so only the first is reported.
    const [error] = doc.errors;
    if (error !== undefined) {
      const position = error.linePos?.[0];
      issues.push({
        file,
        path: '',
        message: `YAML syntax error: ${error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')}`,
        ...(position && { line: position.line, column: position.col }),
      });
      return;
    }
    // A trailing `---` or a comment-only document holds nothing; skip it rather than call it an error.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      // The only failure left after a clean parse is the alias limit (a "billion laughs" document).
      issues.push({
        file,
        path: '',
        message: 'YAML error: too many aliases (*name references); expand them or use fewer',
      });
      return;
    }
    const locate = locator(doc.contents as Node | null, lineCounter);
    const set = expandPolicySet({ file, index, value, locate });
    documents.push(...set.documents);
    issues.push(...set.issues);
  });
  if (documents.length === 0 && issues.length === 0)
    issues.push({ file, path: '', message: `the file holds no document; expected ${EXPECTED_DOCUMENT}` });
  return { documents, issues };
}

/** Line and column of a path in a document (of its key with `atKey`), as far as the path exists. */
function locator(contents: Node | null, lineCounter: LineCounter): SourceDocument['locate'] {
  return (path: readonly PathSegment[], atKey = false) => {
    let node: Node | null = contents;
    let offset = node?.range?.[0];
    for (const [i, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) break;
        const last = i === path.length - 1;
        const keyNode = pair.key as Node | null;
        const valueNode = pair.value as Node | null;
        offset = (last && atKey) || !valueNode?.range ? keyNode?.range?.[0] : valueNode.range[0];
        node = valueNode;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item?.range) break;
        offset = item.range[0];
        node = item;
      } else break;
    }
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
}

function jsonProblem(text: string, file: string): PolicyIssue | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    const issue: PolicyIssue = { file, path: '', message: `JSON syntax error: ${reason}` };
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const lines = before.split('\n');
      issue.line = lines.length;
      issue.column = lines[lines.length - 1]!.length + 1;
    }
    return issue;
  }
}

/**
 * Parses and validates the text of one policy file (YAML or JSON; several YAML documents allowed). Pure: the
 * construct and the controller call it on text they already hold. Never throws for bad content.
 * @example parsePolicySource('function: checkout-api\nwarm: { concurrency: 3 }\n', 'api.yaml').policies[0].key
 */
export function parsePolicySource(text: string, file: string, defaults?: PolicyDefaults): ParseResult {
  const read = readDocuments(text, file);
  const result = validateDocuments(read.documents, defaults);
  return { ...result, issues: capIssues(sortIssues([...read.issues, ...result.issues])) };
}
