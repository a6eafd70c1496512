// Writes the policy JSON Schema that the package ships (schema/policy.schema.json) from the zod definition, then
// refreshes the generated tables of the documentation (scripts/write-docs.ts: the policy field table in
// docs/policy.md, the construct props tables in docs/construct.md). Run after changing controller/policy/schema.ts:
//   npm run schema        (or npx tsx scripts/write-schema.ts)
// test/controller/policy/json-schema.test.ts fails while the committed schema file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyJsonSchema, SCHEMA_PATH } from '../controller/policy';
import { writeDocs } from './write-docs';

/** The file's exact text: stable key order and a trailing newline, so regenerating leaves no diff. */
export function schemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const root = join(__dirname, '..');
  writeFileSync(join(root, SCHEMA_PATH), schemaText());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
  const changed = writeDocs(root);
  if (changed.length > 0) process.stdout.write(`updated the generated tables in ${changed.join(', ')}\n`);
}
