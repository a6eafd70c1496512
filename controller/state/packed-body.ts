/**
 * The bulky part of a target's item (its ping records, function facts, settled copy and traffic history), stored as
 * one deflated JSON document in a binary attribute (`packed`). DynamoDB bills a write unit per started kilobyte:
 * as separate JSON strings, with their repeated field names and environment ids, most items of a target with a
 * traffic history were 1–1.5 KB, two write units at every save; deflated they fit in one. The ownership record stays
 * a plain string beside it: conditions and listings read it, and a person looking at the table should see at once
 * what Thermostat owns.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** The parts packed, by the item attribute names an item written before packing holds them under. */
export const PACKED_PARTS = ['history', 'facts', 'settled', 'traffic'] as const;
export type PackedPart = (typeof PACKED_PARTS)[number];

/**
 * The largest body inflated: a packed body is a few kilobytes at most (bounded lists), so anything that inflates
 * beyond this was not written by Thermostat, and reading it must not take the controller's memory.
 */
export const MAX_PACKED_BYTES = 256 * 1024;

type Parts = Partial<Record<PackedPart, unknown>>;

/** The packed parts `record` holds, and nothing else of it. */
function partsOf(record: Readonly<Record<string, unknown>>): Parts {
  const parts: Parts = {};
  for (const part of PACKED_PARTS) if (record[part] !== undefined) parts[part] = record[part];
  return parts;
}

/** The parts present in `parts`, deflated. */
export function packBody(parts: Parts): Uint8Array {
  return deflateRawSync(JSON.stringify(partsOf(parts)), { level: 9 });
}

/** A packed body's parts (unchecked: each is read through its own schema), or why it cannot be read. */
export function unpackBody(bytes: Uint8Array): { readonly parts: Parts } | { readonly problem: string } {
  let text: string;
  try {
    text = inflateRawSync(bytes, { maxOutputLength: MAX_PACKED_BYTES }).toString('utf8');
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    return { problem: tooLarge ? `larger than ${MAX_PACKED_BYTES / 1024} KiB inflated` : 'not deflated data' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'not JSON once inflated' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: 'not an object once inflated' };
  }
  return { parts: partsOf(parsed as Record<string, unknown>) };
}
