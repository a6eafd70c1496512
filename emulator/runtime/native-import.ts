import { pathToFileURL } from 'node:url';

/**
 * A real dynamic `import()`, whichever compiler built this file. TypeScript compiling to CommonJS turns `import()`
 * into `require()`, which cannot load an ES module with top-level await; a function made at run time is never
 * rewritten. (Only for the environment runtimes: jest's module sandbox has no dynamic-import hook.)
 */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Imports a file by absolute path as Node's ES module loader does, as Lambda's runtime does for ES module handlers. */
export function importFile(path: string): Promise<unknown> {
  return dynamicImport(pathToFileURL(path).href);
}
