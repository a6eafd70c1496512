import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { documentationFiles, withoutFences } from './markdown';

const root = join(__dirname, '..', '..');
const benchmarks = readFileSync(join(root, 'BENCHMARKS.md'), 'utf8');

/** The sections of a page (each heading with the text up to the next heading), code blocks left out. */
function sections(markdown: string): Array<{ heading: string; text: string }> {
  return withoutFences(markdown)
    .split(/^(?=#{1,6} )/m)
    .map((text) => ({ heading: text.split('\n')[0]!, text }));
}

/** Measured figures as a page writes them: percentages (`0.119 %`) and dollar amounts (`−$0.0213`). */
function figures(text: string): string[] {
  return [...text.matchAll(/[−-]?\$\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)? ?%/g)].map((match) => match[0]);
}

describe('measurements quoted from BENCHMARKS.md', () => {
  it('every percentage and dollar amount of a section that cites BENCHMARKS.md is in BENCHMARKS.md', () => {
    const missing: string[] = [];
    let quoted = 0;
    for (const file of documentationFiles(root)) {
      for (const section of sections(readFileSync(file, 'utf8'))) {
        if (!section.text.includes('BENCHMARKS.md')) continue;
        for (const figure of figures(section.text)) {
          quoted += 1;
          if (!benchmarks.includes(figure)) missing.push(`${relative(root, file)} ${section.heading}: ${figure}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The simulator's results on the shared traces quote the benchmark tables.
    expect(quoted).toBeGreaterThanOrEqual(8);
  });

  it('reads figures as written', () => {
    expect(figures('0.119 % cold against 11 %, at −$0.0213 against $0.00244; 1,000 functions, 5–15 minutes')).toEqual([
      '0.119 %',
      '11 %',
      '−$0.0213',
      '$0.00244',
    ]);
  });
});
