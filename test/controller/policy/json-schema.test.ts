import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_DEFAULTS, policyJsonSchema, SCHEMA_PATH } from '../../../controller/policy';
import { fieldRows, fieldTable, startMarker, withFieldTable } from '../../../scripts/write-docs';
import { schemaText } from '../../../scripts/write-schema';

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  description?: string;
  enum?: string[];
};

/** Every key of `value` that the JSON Schema would reject as unknown (a small structural check, not a validator). */
function unknownKeys(value: unknown, schema: JsonSchema, path = ''): string[] {
  if (schema.anyOf) {
    const results = schema.anyOf.map((option) => unknownKeys(value, option, path));
    return results.find((r) => r.length === 0) ?? results[0]!;
  }
  if (Array.isArray(value) && schema.items)
    return value.flatMap((item, i) => unknownKeys(item, schema.items!, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  if (schema.type === undefined && schema.properties === undefined) return []; // any JSON (the custom payload)
  if (schema.type !== 'object') return [`${path}: not an object in the schema`];
  return Object.entries(value).flatMap(([key, child]) => {
    const sub = schema.properties?.[key];
    return sub ? unknownKeys(child, sub, path ? `${path}.${key}` : key) : [path ? `${path}.${key}` : key];
  });
}

const root = join(__dirname, '..', '..', '..');
const schema = policyJsonSchema() as JsonSchema & Record<string, unknown>;

describe('policy JSON Schema', () => {
  it('is committed up to date; run `npx tsx scripts/write-schema.ts` after changing the policy schema', () => {
    expect(readFileSync(join(root, SCHEMA_PATH), 'utf8')).toBe(schemaText());
  });

  it('is draft-07 and describes a policy or a defaults document', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const [policy, defaults] = schema.anyOf!;
    expect(policy!.required).toEqual(['function']);
    expect(defaults!.required).toEqual(['defaults']);
  });

  it('describes template documents (tag discovery) as a policy named by `template` instead of `function`', () => {
    const template = schema.anyOf![2]!;
    expect(template.required).toEqual(['template']);
    expect(template.properties?.function).toBeUndefined();
    expect(template.properties?.template?.description).toContain('thermostat:policy=<name>');
    const document = { template: 'standard-api', qualifier: 'live', warm: { concurrency: 2, interval: '5m' } };
    expect(unknownKeys(document, schema)).toEqual([]);
    expect(unknownKeys({ ...document, function: 'api' }, schema)).not.toEqual([]);
  });

  it('rejects unknown keys at every level, as the validator does', () => {
    const strict = (node: JsonSchema, path: string): string[] => {
      const own = node.type === 'object' && node.additionalProperties !== false ? [path] : [];
      const children = [
        ...Object.entries(node.properties ?? {}).map(([key, child]) => strict(child, `${path}.${key}`)),
        ...(node.anyOf ?? []).map((child, i) => strict(child, `${path}|${i}`)),
        ...(node.items ? [strict(node.items, `${path}[]`)] : []),
      ];
      return [...own, ...children.flat()];
    };
    // The custom payload is the user's own JSON, so it is the one open object.
    expect(strict(schema, '$')).toEqual([]);
  });

  it('describes every property, for editor hover text', () => {
    const undocumented: string[] = [];
    const walk = (node: JsonSchema, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (!child.description) undocumented.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      for (const option of node.anyOf ?? []) walk(option, path);
      if (node.items) walk(node.items, `${path}[]`);
    };
    walk(schema, '$');
    expect(undocumented).toEqual([]);
  });

  it('knows every key the richest valid fixture uses', () => {
    const full = parse(readFileSync(join(root, 'test', 'fixtures', 'policies', 'valid', 'full.yaml'), 'utf8'));
    expect(unknownKeys(full, schema)).toEqual([]);
    expect(unknownKeys({ function: 'a', warm: { concurency: 1 } }, schema)).toEqual(['warm.concurency']);
  });

  it('lists the allowed values of enums', () => {
    const policy = schema.anyOf![0]!;
    expect(policy.properties!.mode!.enum).toEqual(['warm', 'provisioned', 'auto', 'off']);
    expect(policy.properties!.windows!.items!.properties!.days!.items!.enum).toEqual([
      'mon',
      'tue',
      'wed',
      'thu',
      'fri',
      'sat',
      'sun',
    ]);
  });
});

describe('policy field table (docs/policy.md)', () => {
  const rows = new Map(
    fieldRows().map(([field, type, fallback]) => [
      field!.replace(/`/g, '').replace(' (required)', ''),
      { type, fallback },
    ]),
  );

  it('lists every field, nested ones and window ones included', () => {
    for (const field of [
      'function',
      'qualifier',
      'warm.concurrency',
      'warm.payload',
      'provisioned.adopt',
      'budget.maxShare',
      'auto.architecture',
      'objective.warmRatio',
      'windows[].from',
      'windows[].warm',
    ])
      expect(rows.has(field)).toBe(true);
    expect(rows.has('$schema')).toBe(false);
  });

  it('shows the built-in defaults the resolver applies', () => {
    expect(rows.get('mode')!.fallback).toBe(`\`${BUILTIN_DEFAULTS.mode}\``);
    expect(rows.get('warm.interval')!.fallback).toBe(`\`${BUILTIN_DEFAULTS.warm.interval}\``);
    expect(rows.get('warm.holdMs')!.fallback).toBe(`\`${BUILTIN_DEFAULTS.warm.holdMs}\``);
    expect(rows.get('provisioned.utilization')!.fallback).toBe(`\`${BUILTIN_DEFAULTS.provisioned.utilization}\``);
    expect(rows.get('warm.concurrency')!.type).toBe('integer, 1–1000');
  });

  it('replaces only the text between the markers', () => {
    const start = startMarker('policy-fields');
    const doc = `# Title\n${start}\nold table\n<!-- policy-fields:end -->\nafter\n`;
    expect(withFieldTable(doc)).toBe(`# Title\n${start}\n${fieldTable()}<!-- policy-fields:end -->\nafter\n`);
    expect(withFieldTable('# no markers\n')).toBeUndefined();
  });
});
