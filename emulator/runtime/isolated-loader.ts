import Module from 'node:module';
import { dirname, extname, sep } from 'node:path';

interface ModuleInternals {
  _extensions: Record<string, (module: Module, filename: string) => void>;
  _resolveFilename(request: string, parent: Module): string;
  _nodeModulePaths(from: string): string[];
}

const internals = Module as unknown as ModuleInternals;
const NODE_MODULES = `${sep}node_modules${sep}`;

/** The module instances one light environment has loaded, by file name. */
export type ModuleRegistry = Map<string, Module>;

/**
 * Loads `filename` as a fresh module instance for one environment, so each light environment has its own module
 * state like a real one. The handler and every file it requires from outside node_modules are instantiated per
 * environment; packages under node_modules are shared (loaded once per host, like a layer). Node's own extension
 * hooks do the compiling, so TypeScript works whenever tsx's hook is registered.
 */
export function loadIsolated(filename: string, registry: ModuleRegistry, parent?: Module): unknown {
  const existing = registry.get(filename);
  if (existing) return existing.exports;
  const mod = new Module(filename, parent);
  mod.filename = filename;
  mod.paths = internals._nodeModulePaths(dirname(filename));
  mod.require = ((request: string) => isolatedRequire(request, mod, registry)) as NodeJS.Require;
  registry.set(filename, mod);
  const ext = extname(filename);
  if (ext === '.mjs' || ext === '.mts') {
    throw new Error(`${filename} is an ES module; light environments load CommonJS only (use environment 'process')`);
  }
  const compile = internals._extensions[ext] ?? internals._extensions['.js']!;
  try {
    compile(mod, filename);
  } catch (error) {
    registry.delete(filename);
    throw error;
  }
  mod.loaded = true;
  return mod.exports;
}

function isolatedRequire(request: string, parent: Module, registry: ModuleRegistry): unknown {
  if (Module.isBuiltin(request)) return Module.prototype.require.call(parent, request);
  const filename = internals._resolveFilename(request, parent);
  if (Module.isBuiltin(filename) || filename.includes(NODE_MODULES)) {
    return Module.prototype.require.call(parent, request);
  }
  return loadIsolated(filename, registry, parent);
}
