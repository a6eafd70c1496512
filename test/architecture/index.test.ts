import * as ts from 'typescript';
import { parse, SOURCE_FOLDERS, typeScriptFiles } from './sources';

// An index.ts only re-exports: a reader opening a folder's index finds its surface, not an implementation.

/** Index files that still hold an implementation: none. */
const ALLOWED = new Set<string>([]);

describe('index.ts files', () => {
  const indexes = typeScriptFiles(SOURCE_FOLDERS).filter((file) => file.endsWith('/index.ts'));

  it('are found', () => {
    expect(indexes).toContain('construct/index.ts');
    expect(indexes).toContain('controller/contract/index.ts');
  });

  it('only re-export (imports and export declarations, nothing else)', () => {
    const holding = indexes.filter(
      (file) =>
        !ALLOWED.has(file) &&
        parse(file).statements.some(
          (statement) => !ts.isExportDeclaration(statement) && !ts.isImportDeclaration(statement),
        ),
    );
    expect(holding).toEqual([]);
  });

  it('allows only index files that exist and still hold an implementation', () => {
    const stillHolding = [...ALLOWED].filter(
      (file) =>
        indexes.includes(file) &&
        parse(file).statements.some(
          (statement) => !ts.isExportDeclaration(statement) && !ts.isImportDeclaration(statement),
        ),
    );
    expect(stillHolding.sort()).toEqual([...ALLOWED].sort());
  });
});
