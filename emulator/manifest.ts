import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EmulatorConfigError } from './errors';
import type { EmulatorOptions } from './options';
import { parseSettings } from './spec';

/**
 * Reads an emulator manifest (JSON, or YAML for .yaml/.yml) into options for `startEmulator`; relative handler
 * paths start at the manifest's folder. Errors name the file and the field.
 *
 * @example
 * # emulator.yaml
 * environment: light
 * idleTimeoutMs: 600000
 * functions:
 *   - name: orders
 *     handler: ./handlers/orders.js
 *     memoryMb: 512
 *     versions: { "1": {} }
 *     aliases: { live: "1" }
 */
export function loadManifest(file: string): EmulatorOptions {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EmulatorConfigError(`cannot read manifest ${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new EmulatorConfigError(
      `manifest ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const settings = parseSettings(raw ?? {}, `manifest ${path}`);
  return { ...settings, baseDir: dirname(path) };
}
