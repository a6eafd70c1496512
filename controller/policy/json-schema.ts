/**
 * The JSON Schema of a policy file, generated from the zod schema so editors (yaml-language-server, VS Code)
 * offer completion and hover text. Rules the schema cannot express (time zones, durations, cross-field rules)
 * are still checked by `thermostat validate`.
 */
import * as z from 'zod/mini';
import { DefaultsDocumentSchema, PolicySchema } from './schema';

/** Where the package ships the schema, relative to the package root. */
export const SCHEMA_PATH = 'schema/policy.schema.json';

/** A policy file holds a policy or a defaults document. */
export const PolicyFileSchema = z.union([PolicySchema, DefaultsDocumentSchema]);

/** The JSON Schema (draft-07, the draft editors support best) of one policy file document. */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyFileSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'Thermostat policy',
    description:
      'A Thermostat policy (one function, optionally with time windows) or a defaults document that every policy in the set inherits.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
