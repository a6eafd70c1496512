/**
 * Policy files are UTF-8 text. Editors on Windows also save UTF-8 with a byte-order mark and UTF-16, which would
 * otherwise reach the YAML and JSON parsers as garbage; these are recognised here, decoded when the mark says how,
 * and refused with a message that says how to save the file when it does not.
 */

/** The largest policy file read: far above any real set (a thousand policies are a few hundred KB of JSON). */
export const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

export type Decoded = { readonly text: string } | { readonly problem: string };

const SAVE_AS = 'save the file as UTF-8';

/** The file's bytes as text, or why they cannot be read as a policy file. Pure. */
export function decodePolicyBytes(bytes: Uint8Array): Decoded {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return utf8(bytes.subarray(3));
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff))
    return { problem: `the file is UTF-32 text, which policy files cannot be; ${SAVE_AS}` };
  if (a === 0xff && b === 0xfe) return utf16(bytes.subarray(2), 'little-endian');
  if (a === 0xfe && b === 0xff) return utf16(bytes.subarray(2), 'big-endian');
  // Policy text starts with ASCII (a key, a comment, `[` or `{`): a zero byte next to it means UTF-16 without a mark.
  if (bytes.length >= 2 && (a === 0) !== (b === 0))
    return { problem: `the file looks like UTF-16 text without a byte-order mark; ${SAVE_AS}` };
  return utf8(bytes);
}

function utf8(bytes: Uint8Array): Decoded {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { problem: `the file is not UTF-8 text${firstInvalidByte(bytes)}; ${SAVE_AS}` };
  }
}

function utf16(bytes: Uint8Array, order: 'little-endian' | 'big-endian'): Decoded {
  if (bytes.length % 2 !== 0) return { problem: `the file is cut short: UTF-16 (${order}) text of an odd length` };
  let units = bytes;
  if (order === 'big-endian') {
    units = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i += 2) {
      units[i] = bytes[i + 1]!;
      units[i + 1] = bytes[i]!;
    }
  }
  try {
    return { text: new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(units) };
  } catch {
    return { problem: `the file is not valid UTF-16 (${order}) text; ${SAVE_AS}` };
  }
}

/** ` (byte 123)` where the UTF-8 structure first breaks, or nothing when the break is subtler (an overlong form). */
function firstInvalidByte(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const length = byte < 0x80 ? 1 : byte >> 5 === 0b110 ? 2 : byte >> 4 === 0b1110 ? 3 : byte >> 3 === 0b11110 ? 4 : 0;
    if (length === 0) break;
    let valid = i + length <= bytes.length;
    for (let k = 1; valid && k < length; k++) valid = bytes[i + k]! >> 6 === 0b10;
    if (!valid) break;
    i += length;
  }
  return i < bytes.length ? ` (byte ${i + 1})` : '';
}

/** Text handed over directly (not read from a file) may still start with the mark an editor left. */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
