import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControllerConfigError } from './errors';
import {
  type LoadedPolicy,
  type LoadedTemplate,
  type PolicyDefaults,
  type PolicyIssue,
  parsePolicyValue,
} from './policy/core';
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the policy set the construct writes next to the bundle: a JSON array of policies, or
 * `{ "policies": [...], "defaults": {...} }`; a JSON object is read as one policy file, and YAML text as an
 * ordinary policy file. Bad policies become issues (reported by every tick); the valid ones still run.
 */
export function readPolicyFile(path: string): PolicySource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ControllerConfigError(`cannot read the policy file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return yamlPolicyModule(`the policy file ${path} is not JSON, so it`).parsePolicySource(text, path);
  }
  const list = Array.isArray(value)
    ? value
    : isRecord(value) && Array.isArray(value.policies)
      ? value.policies
      : undefined;
  // One policy (or a defaults document) as JSON: the same validation as a file, without line numbers.
  if (list === undefined) return parsePolicyValue(value, path);
  const defaults = isRecord(value) && isRecord(value.defaults) ? (value.defaults as PolicyDefaults) : undefined;
  const policies: LoadedPolicy[] = [];
  const templates: LoadedTemplate[] = [];
  const issues: PolicyIssue[] = [];
  list.forEach((entry, index) => {
    const result = parsePolicyValue(entry, `${path}[${index}]`, defaults);
    policies.push(...result.policies.map((policy) => ({ ...policy, file: path, index })));
    for (const template of result.templates ?? []) {
      if (templates.some((other) => other.name === template.name)) {
        const message = `template ${JSON.stringify(template.name)} is defined twice; template names are unique`;
        issues.push({ file: `${path}[${index}]`, path: 'template', message });
      } else templates.push({ ...template, file: path, index });
    }
    issues.push(...result.issues);
  });
  return templates.length > 0 ? { policies, templates, issues } : { policies, issues };
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
