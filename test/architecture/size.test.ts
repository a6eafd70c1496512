import * as ts from 'typescript';
import { parse, typeScriptFiles, walkNodes } from './sources';

// Size limits for the controller and the construct: no function over 80 lines (blank and comment-only lines not
// counted, nested functions counted with the function that holds them), no control flow nested deeper than 4 inside
// one function (`else if` continues a chain rather than nesting), and no block of 6 or more lines (whitespace
// normalised, blank lines and import/export lists skipped) repeated inside controller/ or between controller/ and
// construct/.
const MAX_FUNCTION_LINES = 80;
const MAX_NESTING = 4;
const MIN_REPEATED_LINES = 6;

/** Functions allowed over the limits: none. An entry must name a function still over a limit (tested below). */
const ALLOWED_OVERSIZED = new Set<string>([]);

const files = typeScriptFiles(['controller', 'construct']);
const sources = files.map(parse);

const NESTING = new Set([
  ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.WhileStatement,
  ts.SyntaxKind.DoStatement,
  ts.SyntaxKind.SwitchStatement,
  ts.SyntaxKind.TryStatement,
]);

function isCommentOrBlank(line: string): boolean {
  const text = line.trim();
  return text === '' || text.startsWith('//') || text.startsWith('/*') || text.startsWith('*');
}

/** A function's name as a reader finds it: its own, its variable's or property's, or `constructor` of its class. */
function functionName(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.text ?? '<class>'}.constructor`;
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText(source);
  return `<anonymous at line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}>`;
}

interface Measured {
  readonly key: string;
  readonly lines: number;
  readonly depth: number;
}

/** Lines and deepest nesting of every function with a body. */
function measure(source: ts.SourceFile): Measured[] {
  const lines = source.text.split('\n');
  const found: Measured[] = [];
  walkNodes(source, (node) => {
    if (!ts.isFunctionLike(node) || !('body' in node) || node.body === undefined) return;
    const fn = node as ts.FunctionLikeDeclaration;
    const first = source.getLineAndCharacterOfPosition(fn.getStart(source)).line;
    const last = source.getLineAndCharacterOfPosition(fn.getEnd()).line;
    const count = lines.slice(first, last + 1).filter((line) => !isCommentOrBlank(line)).length;
    let depth = 0;
    const visit = (inner: ts.Node, level: number): void => {
      if (inner !== fn.body && ts.isFunctionLike(inner)) return; // measured on its own
      const elseIf = ts.isIfStatement(inner) && ts.isIfStatement(inner.parent) && inner.parent.elseStatement === inner;
      const next = NESTING.has(inner.kind) && !elseIf ? level + 1 : level;
      depth = Math.max(depth, next);
      ts.forEachChild(inner, (child) => visit(child, next));
    };
    visit(fn.body!, 0);
    found.push({ key: `${source.fileName}:${functionName(fn, source)}`, lines: count, depth });
  });
  return found;
}

/** Each run of MIN_REPEATED_LINES normalised lines that appears more than once, with where it appears. */
function repeatedBlocks(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const source of sources) {
    const lists = new Set<number>();
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      const first = source.getLineAndCharacterOfPosition(statement.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(statement.getEnd()).line;
      for (let line = first; line <= last; line++) lists.add(line);
    }
    const lines = source.text
      .split('\n')
      .map((text, index) => ({ text: text.trim().replace(/\s+/g, ' '), line: index + 1 }))
      .filter(({ text, line }) => text !== '' && !lists.has(line - 1));
    for (let start = 0; start + MIN_REPEATED_LINES <= lines.length; start++) {
      const block = lines.slice(start, start + MIN_REPEATED_LINES);
      const key = block.map(({ text }) => text).join('\n');
      const places = seen.get(key) ?? [];
      places.push(`${source.fileName}:${block[0]!.line}`);
      seen.set(key, places);
    }
  }
  // a repeat counts when one copy is in the controller: inside controller/, or between it and construct/
  return new Map(
    [...seen].filter(([, places]) => places.length > 1 && places.some((place) => place.startsWith('controller/'))),
  );
}

describe('size of the controller and the construct', () => {
  const measured = sources.flatMap(measure);

  it('measures every function', () => {
    // A guard against a scan that silently finds nothing.
    expect(measured.length).toBeGreaterThan(500);
    expect(measured.map(({ key }) => key)).toContain('controller/run.ts:run');
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = measured
      .filter(({ key, lines }) => lines > MAX_FUNCTION_LINES && !ALLOWED_OVERSIZED.has(key))
      .map(({ key, lines }) => `${key}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it(`nests control flow at most ${MAX_NESTING} deep`, () => {
    const deep = measured
      .filter(({ key, depth }) => depth > MAX_NESTING && !ALLOWED_OVERSIZED.has(key))
      .map(({ key, depth }) => `${key}: depth ${depth}`);
    expect(deep).toEqual([]);
  });

  it(`repeats no block of ${MIN_REPEATED_LINES} lines`, () => {
    const repeated = [...repeatedBlocks()].map(([block, places]) => `${places.join(', ')}:\n${block}`);
    expect(repeated).toEqual([]);
  });

  it('allows only functions that exist and are still over a limit', () => {
    const over = new Set(
      measured.filter(({ lines, depth }) => lines > MAX_FUNCTION_LINES || depth > MAX_NESTING).map(({ key }) => key),
    );
    expect([...ALLOWED_OVERSIZED].filter((key) => !over.has(key))).toEqual([]);
  });
});
