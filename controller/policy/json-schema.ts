/**
 * The JSON Schema of a policy file, generated from the zod schema so editors (yaml-language-server, VS Code)
 * offer completion and hover text. Rules the schema cannot express (time zones, durations, cross-field rules)
 * are still checked by `thermostat validate`.
 */
import * as z from 'zod/mini';
import { DefaultsDocumentSchema, PolicySchema } from './schema';

/** Where the package ships the schema, relative to the package root. */
export const SCHEMA_PATH = 'schema/policy.schema.json';

/**
 * A template document: a policy without `function`, named by `template`, for the functions whose policy tag names
 * it (tag discovery). The parser checks the name's characters (parse.ts); the schema says them in words, since
 * its Unicode classes are not portable JSON Schema patterns.
 */
const TemplateDocumentSchema = z.extend(z.omit(PolicySchema, { function: true }), {
  template: z.string().check(
    z.minLength(1),
    z.maxLength(256),
    z.meta({
      description:
        'Names this policy for tag discovery: functions tagged thermostat:policy=<name> (or the tag key the construct sets) get it. Letters, digits, spaces and _ . : / = + - @.',
    }),
  ),
});

/** A policy file holds a policy, a defaults document or a template document. */
export const PolicyFileSchema = z.union([PolicySchema, DefaultsDocumentSchema, TemplateDocumentSchema]);

/** The JSON Schema (draft-07, the draft editors support best) of one policy file document. */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyFileSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'Thermostat policy',
    description:
      'A Thermostat policy (one function, optionally with time windows), a defaults document that every policy in the set inherits, or a template: a policy named for the functions tag discovery finds.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
