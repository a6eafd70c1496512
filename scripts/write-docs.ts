// Writes the generated tables of the documentation, so they cannot drift from what they describe:
// - the policy field table of docs/policy.md, from the policy's JSON Schema (itself generated from the zod schema);
// - the construct props tables of docs/construct.md, from the JSDoc of the props interfaces in construct/props.ts.
// Each table sits between a pair of markers (`<!-- NAME:start ... -->` and `<!-- NAME:end -->`); only the text between
// them is replaced. Run after changing the policy schema or a props interface (`npm run schema` runs it too):
//   npx tsx scripts/write-docs.ts
// test/docs/generated.test.ts fails while a committed table is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { policyJsonSchema } from '../controller/policy';

const root = join(__dirname, '..');

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, Node>;
  required?: string[];
  anyOf?: Node[];
  items?: Node;
}

function typeOf(node: Node): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.enum) return node.enum.map((value) => `\`${value}\``).join(', ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object' && node.properties && Object.keys(node.properties).join() === 'custom')
    return '`{ custom: <JSON> }`';
  if (node.type === 'object') return node.properties ? 'mapping' : 'any JSON';
  if (node.type === 'integer' || node.type === 'number') {
    const word = node.type === 'integer' ? 'integer' : 'number';
    const low = node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : `${node.minimum ?? ''}`;
    return node.maximum === undefined ? word : `${word}, ${low}${low.startsWith('>') ? ' and ≤ ' : '–'}${node.maximum}`;
  }
  if (node.type === undefined) return 'any JSON';
  return node.type;
}

/** A Markdown table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const SECTIONS_IN_WINDOWS = new Set(['warm', 'provisioned', 'budget']);

/** One row per field of a policy (nested fields as `warm.concurrency`, window fields as `windows[].from`). */
export function fieldRows(): string[][] {
  const schema = policyJsonSchema() as Node;
  const policy = schema.anyOf![0]!;
  const rows: string[][] = [];
  const walk = (node: Node, prefix: string, inWindow: boolean) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === '$schema') continue;
      const name = `${prefix}${key}`;
      const required = node.required?.includes(key) ? ' (required)' : '';
      const fallback = child.default === undefined ? '' : `\`${JSON.stringify(child.default).replace(/^"|"$/g, '')}\``;
      // A window's warm/provisioned/budget take the same keys as the policy's, so they are not repeated.
      const object = child.anyOf?.find((option) => option.properties) ?? child;
      const nested = object.type === 'object' && object.properties && !(inWindow && SECTIONS_IN_WINDOWS.has(key));
      const list = child.type === 'array' && child.items?.properties;
      const type = inWindow && SECTIONS_IN_WINDOWS.has(key) ? `mapping (keys of \`${key}\`)` : typeOf(child);
      rows.push([`\`${name}\`${required}`, cell(type), fallback, cell(child.description ?? '')]);
      if (list) walk(child.items!, `${name}[].`, true);
      else if (nested && key !== 'payload') walk(object, `${name}.`, inWindow);
    }
  };
  walk(policy, '', false);
  return rows;
}

function table(head: readonly string[], rows: readonly string[][]): string {
  return `${[head, head.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`;
}

/** The policy field table in Markdown. */
export function fieldTable(): string {
  return table(['Field', 'Type', 'Default', 'Meaning'], fieldRows());
}

/** The props interfaces documented in docs/construct.md, in the order they are shown. */
export const PROPS_FILE = 'construct/props.ts';
export const PROPS_INTERFACES = ['ThermostatProps', 'ThermostatTarget', 'TagDiscoveryProps'] as const;

export interface PropDoc {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  /** The `@default` text: a value (`512`), or a description after `- ` as aws-cdk-lib writes it. */
  readonly default: string | undefined;
  readonly description: string;
  readonly example: string | undefined;
}

export interface InterfaceDoc {
  readonly name: string;
  readonly description: string;
  readonly props: readonly PropDoc[];
}

/** A props interface is documented in full, or the docs would silently show an empty cell. */
export class UndocumentedPropError extends Error {
  override readonly name = 'UndocumentedPropError';
}

const jsDocText = (comment: string | ts.NodeArray<ts.JSDocComment> | undefined) =>
  (ts.getTextOfJSDocComment(comment) ?? '').trim();

function commentOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => jsDocText(doc.comment))
    .join(' ')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

function tag(node: ts.Node, name: string): string | undefined {
  const found = ts.getJSDocTags(node).find((t) => t.tagName.text === name);
  return found === undefined ? undefined : jsDocText(found.comment);
}

/** The documented members of the props interfaces, read from their source with the TypeScript compiler. */
export function readInterfaces(
  file: string = join(root, PROPS_FILE),
  names: readonly string[] = PROPS_INTERFACES,
): InterfaceDoc[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) found.set(node.name.text, node);
  });
  return names.map((name) => {
    const declaration = found.get(name);
    if (declaration === undefined) throw new UndocumentedPropError(`${file} has no interface ${name}`);
    const props = declaration.members.filter(ts.isPropertySignature).map((member): PropDoc => {
      const prop = member.name.getText(source);
      const doc: PropDoc = {
        name: prop,
        type: member.type === undefined ? 'unknown' : member.type.getText(source).replace(/^readonly /, ''),
        optional: member.questionToken !== undefined,
        default: tag(member, 'default'),
        description: commentOf(member),
        example: tag(member, 'example'),
      };
      if (doc.description === '') throw new UndocumentedPropError(`${name}.${prop} has no JSDoc description`);
      if (doc.optional && doc.default === undefined)
        throw new UndocumentedPropError(`${name}.${prop} is optional but its JSDoc has no @default`);
      return doc;
    });
    return { name, description: commentOf(declaration), props };
  });
}

/** `@default - text` is a description; anything else is a value, shown as code. */
function defaultCell(prop: PropDoc): string {
  if (!prop.optional) return 'required';
  const text = prop.default!;
  return text.startsWith('- ') ? cell(text.slice(2)) : cell(`\`${text}\``);
}

/** One row per prop: name, type, default, meaning. */
export function propRows(doc: InterfaceDoc): string[][] {
  return doc.props.map((prop) => [
    `\`${prop.name}\``,
    cell(`\`${prop.type}\``),
    defaultCell(prop),
    cell(prop.description),
  ]);
}

/** The props tables in Markdown, one section per interface. */
export function propsTables(docs: readonly InterfaceDoc[] = readInterfaces()): string {
  return docs
    .map(
      (doc) =>
        `### \`${doc.name}\`\n\n${doc.description}\n\n${table(['Prop', 'Type', 'Default', 'Meaning'], propRows(doc))}`,
    )
    .join('\n');
}

/** A generated block of a Markdown file: where it lives, its marker name and its text. */
export interface Generated {
  readonly file: string;
  readonly marker: string;
  readonly text: () => string;
}

export const GENERATED: readonly Generated[] = [
  { file: 'docs/policy.md', marker: 'policy-fields', text: fieldTable },
  { file: 'docs/construct.md', marker: 'construct-props', text: () => propsTables() },
];

export const startMarker = (marker: string) => `<!-- ${marker}:start (generated by scripts/write-docs.ts) -->`;
export const endMarker = (marker: string) => `<!-- ${marker}:end -->`;

/** The Markdown with the text between a marker pair replaced, or undefined when the markers are missing. */
export function withGenerated(markdown: string, marker: string, text: string): string | undefined {
  const start = markdown.indexOf(startMarker(marker));
  const end = markdown.indexOf(endMarker(marker));
  if (start === -1 || end < start) return undefined;
  return `${markdown.slice(0, start + startMarker(marker).length)}\n${text}${markdown.slice(end)}`;
}

/** The Markdown with the policy field table between its markers replaced, or undefined without the markers. */
export function withFieldTable(markdown: string): string | undefined {
  return withGenerated(markdown, 'policy-fields', fieldTable());
}

/** Rewrites every generated block in place; returns the files that changed. */
export function writeDocs(base: string = root): string[] {
  const changed: string[] = [];
  for (const block of GENERATED) {
    const path = join(base, block.file);
    const before = readFileSync(path, 'utf8');
    const after = withGenerated(before, block.marker, block.text());
    if (after === undefined)
      throw new Error(`${block.file} has no ${startMarker(block.marker)} … ${endMarker(block.marker)}`);
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(block.file);
    }
  }
  return changed;
}

if (require.main === module) {
  const changed = writeDocs();
  process.stdout.write(changed.length === 0 ? 'generated docs were up to date\n' : `updated ${changed.join(', ')}\n`);
}
