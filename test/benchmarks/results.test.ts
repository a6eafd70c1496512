import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchReport, renderBenchmarks } from '../../benchmarks/markdown';
import { RESULTS_FILE } from '../../benchmarks/run';

const ROOT = join(__dirname, '..', '..');

describe('BENCHMARKS.md', () => {
  it('is rendered from the committed raw results and nothing else', () => {
    expect(existsSync(RESULTS_FILE)).toBe(true);
    const report = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchReport;
    const committed = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
    // If this fails, run `npm run bench` (or `npm run bench:render` after editing the renderer) and commit both.
    expect(renderBenchmarks(report)).toBe(committed);
  });
});
