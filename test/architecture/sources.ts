import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** Every source folder of the product (tests excluded). */
export const SOURCE_FOLDERS = [
  'benchmarks',
  'cli',
  'construct',
  'controller',
  'emulator',
  'examples',
  'scripts',
  'simulator',
  'target',
] as const;

const SKIPPED = new Set(['node_modules', 'cdk.out', 'dist', 'results']);

/** Repository-relative paths (with `/`) of the TypeScript files under `folders`, sorted. */
export function typeScriptFiles(folders: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  for (const folder of folders) walk(join(ROOT, folder));
  return found.map((path) => relative(ROOT, path).split('\\').join('/')).sort();
}

/** The parsed file (syntax only: fast, and what these checks need). */
export function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** `file:line` of a node, 1-based. */
export function where(source: ts.SourceFile, node: ts.Node): string {
  return `${source.fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
}

/** Calls `visit` for every node under `node`, depth first. */
export function walkNodes(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walkNodes(child, visit));
}
