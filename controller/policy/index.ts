/**
 * The policy module: one definition of the policy language shared by the CLI, the construct (synth-time
 * validation) and the controller. Imports nothing from AWS; only load.ts touches the file system.
 * Bundles that only need JSON validation and resolution can import core.ts instead (no YAML parser).
 */
export * from './core';
export { PolicyFileSchema, policyJsonSchema, SCHEMA_PATH } from './json-schema';
export { type LoadOptions, loadPolicySet, type PolicySet } from './load';
export { MAX_POLICY_FILE_BYTES, readPolicyText } from './read';
export { parsePolicySource } from './source';
