import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { parse, ROOT } from './sources';

/** The source file a relative module specifier of `from` names. */
function resolveModule(from: string, specifier: string): string {
  const base = join(ROOT, dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate)) return relative(ROOT, candidate).split('\\').join('/');
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

const hasExport = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/**
 * Every name a module exports, read from its syntax (following `export *`): `name` for a value, `type name` for a
 * type-only export. A name that is both (a const and a type of the same name) is listed as a value.
 */
export function exportsOf(file: string): string[] {
  const names = new Map<string, boolean>();
  const add = (name: string, typeOnly: boolean) => names.set(name, (names.get(name) ?? true) && typeOnly);
  const source = parse(file);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const specifier =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      const clause = statement.exportClause;
      if (clause === undefined) {
        if (specifier === undefined) continue;
        for (const name of exportsOf(resolveModule(file, specifier)))
          add(name.replace(/^type /, ''), name.startsWith('type ') || statement.isTypeOnly);
      } else if (ts.isNamespaceExport(clause)) add(clause.name.text, statement.isTypeOnly);
      else for (const element of clause.elements) add(element.name.text, statement.isTypeOnly || element.isTypeOnly);
      continue;
    }
    if (!hasExport(statement)) continue;
    if (ts.isVariableStatement(statement))
      for (const declaration of statement.declarationList.declarations) add(declaration.name.getText(source), false);
    else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))
      add(statement.name.text, true);
    else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name
    )
      add(statement.name.text, false);
  }
  return [...names].map(([name, typeOnly]) => (typeOnly ? `type ${name}` : name)).sort();
}
