import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ControllerConfigError } from './errors';
import { parsePolicyJson } from './policy/core';
import { readPolicyText } from './policy/read';
import type { PolicySource } from './run';

/** The part of the full policy module (with its YAML parser) that only YAML files and directories need. */
type YamlPolicyModule = Pick<typeof import('./policy'), 'loadPolicySet' | 'parsePolicySource'>;

/**
 * The YAML-capable policy module, loaded on first use. The require is computed so esbuild leaves it out of the
 * controller bundle (the YAML parser is about a third of it); the Lambda reads the construct's JSON and never
 * gets here. From the sources (tests, the CLI, local runs) the module is next to this file.
 */
function yamlPolicyModule(what: string): YamlPolicyModule {
  try {
    return require(join(__dirname, 'policy', 'index')) as YamlPolicyModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new ControllerConfigError(
      `${what} needs the YAML policy loader, which the controller bundle leaves out; ` +
        'give the controller a JSON policy set (THERMOSTAT_POLICY_FILE, as the construct does) or run it from the sources',
      { cause: error },
    );
  }
}

/**
 * Reads the policy set the construct writes next to the bundle: a JSON array of policies, or
 * `{ "policies": [...], "defaults": {...} }`; a JSON object is read as one policy file, and YAML text as an
 * ordinary policy file. Read and validated by the policy module like any policy file (regular files only, size
 * cap, one policy per target). Bad policies become issues (reported by every tick); the valid ones still run.
 */
export function readPolicyFile(path: string): PolicySource {
  const read = readPolicyText(path);
  if ('problem' in read) throw new ControllerConfigError(`cannot read the policy file ${path}: ${read.problem}`);
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    return yamlPolicyModule(`the policy file ${path} is not JSON, so it`).parsePolicySource(read.text, path);
  }
  return parsePolicyJson(value, path);
}

/**
 * The policy set named by the environment: `THERMOSTAT_POLICY_FILE` (the construct's JSON), else
 * `THERMOSTAT_POLICY_DIR` (a directory of YAML/JSON policy files, for the CLI and local runs from the sources),
 * else `policies.json` next to the bundle.
 */
export function policySourceFromEnv(env: NodeJS.ProcessEnv, bundleDir: string): PolicySource {
  if (env.THERMOSTAT_POLICY_FILE) return readPolicyFile(env.THERMOSTAT_POLICY_FILE);
  if (env.THERMOSTAT_POLICY_DIR)
    return yamlPolicyModule('THERMOSTAT_POLICY_DIR').loadPolicySet([env.THERMOSTAT_POLICY_DIR]);
  const bundled = `${bundleDir}/policies.json`;
  if (existsSync(bundled)) return readPolicyFile(bundled);
  throw new ControllerConfigError(
    'no policies: set THERMOSTAT_POLICY_FILE (a JSON policy set) or THERMOSTAT_POLICY_DIR (a directory of policy files)',
  );
}
