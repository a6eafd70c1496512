import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { anchors, brokenLink, documentationFiles, githubSlug, links } from './markdown';

const root = join(__dirname, '..', '..');

describe('links of README.md and docs/*.md', () => {
  const files = documentationFiles(root);

  it('covers the README and the reference pages', () => {
    const names = files.map((file) => relative(root, file));
    for (const page of ['policy', 'construct', 'cli', 'emulator', 'simulator', 'operations', 'reliability'])
      expect(names).toContain(join('docs', `${page}.md`));
  });

  it('every relative link points to an existing file, and every anchor to an existing heading', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const link of links(readFileSync(file, 'utf8'))) {
        checked += 1;
        const why = brokenLink(root, file, link.target);
        if (why !== undefined) broken.push(`${relative(root, file)}:${link.line}: ${why}`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('the README links to every page of docs/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const linked = new Set(links(readme).map((link) => link.target.split('#')[0]));
    const pages = files.slice(1).map((file) => relative(root, file).split('\\').join('/'));
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe('the link checker', () => {
  it('makes anchors as GitHub does', () => {
    expect(githubSlug('The target helper (`lambda-thermostat/target`)')).toBe(
      'the-target-helper-lambda-thermostattarget',
    );
    expect(githubSlug('`thermostat run`: one real tick')).toBe('thermostat-run-one-real-tick');
    expect(githubSlug("Cost model (`controller/cost`, shared with the controller's `auto` mode)")).toBe(
      'cost-model-controllercost-shared-with-the-controllers-auto-mode',
    );
    expect(githubSlug('Simulator → Data attribution')).toBe('simulator--data-attribution');
    expect(githubSlug('Durations: each function keeps its mean')).toBe('durations-each-function-keeps-its-mean');
    expect([...anchors('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('finds links outside code only', () => {
    const page = 'See [a](a.md) and `[b](b.md)`.\n```md\n[c](c.md)\n```\n![d](img/d.png "title") [e](<e.md#x>)\n';
    expect(links(page)).toEqual([
      { target: 'a.md', line: 1 },
      { target: 'img/d.png', line: 5 },
      { target: 'e.md#x', line: 5 },
    ]);
  });

  it('reports a missing file, a missing anchor and a link out of the repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-links-'));
    try {
      mkdirSync(join(dir, 'docs'));
      writeFileSync(join(dir, 'README.md'), '# Title\n## Quick start\n');
      const page = join(dir, 'docs', 'page.md');
      writeFileSync(page, '# Page\n## Setup\n');
      expect(brokenLink(dir, page, '../README.md#quick-start')).toBeUndefined();
      expect(brokenLink(dir, page, '#setup')).toBeUndefined();
      expect(brokenLink(dir, page, 'https://example.com/#nowhere')).toBeUndefined();
      expect(brokenLink(dir, page, '../README.md#quickstart')).toBe(
        '../README.md#quickstart: no heading with that anchor',
      );
      expect(brokenLink(dir, page, '#set-up')).toBe('#set-up: no heading with that anchor');
      expect(brokenLink(dir, page, 'other.md')).toBe('other.md: no such file');
      expect(brokenLink(dir, page, '../../outside.md')).toBe('../../outside.md: outside the repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
