import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachLine, Header, TraceFormatError } from '../../../simulator/traces/csv';

describe('forEachLine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads lines across 1 MiB chunk boundaries, with CRLF and multi-byte characters intact', () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `row-${i},é€${'x'.repeat(i % 37)}`);
    const file = join(dir, 'big.csv');
    writeFileSync(file, lines.join('\r\n'));
    const read: string[] = [];
    forEachLine(file, (line) => {
      read.push(line);
    });
    expect(read.length).toBe(lines.length);
    expect(read.join('\n')).toBe(lines.join('\n'));
  });

  it('stops when the callback returns false', () => {
    const file = join(dir, 'three.csv');
    writeFileSync(file, 'a\nb\nc\n');
    const read: string[] = [];
    forEachLine(file, (line) => {
      read.push(line);
      return false;
    });
    expect(read).toEqual(['a']);
  });

  it('names a file it cannot open', () => {
    expect(() => forEachLine(join(dir, 'missing.csv'), () => {})).toThrow(TraceFormatError);
  });
});

describe('Header', () => {
  it('finds columns by name, ignoring a byte-order mark and spaces', () => {
    const header = new Header('f.csv', ['\uFEFFapp', ' func ', 'duration']);
    expect(header.require('app')).toBe(0);
    expect(header.find('func')).toBe(1);
    expect(() => header.require('end_timestamp')).toThrow('f.csv:1: missing column "end_timestamp"');
  });
});
