import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/reliability.md lists each reliability promise with the tests that prove it. This reads it and checks that
 * every named test is still declared, not skipped, in the named file: a renamed, moved or deleted test fails here,
 * so the promise has to be proven again or taken out of the document.
 */
const ROOT = join(__dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'reliability.md');
const FINDINGS_HEADING = 'Regression tests for the resilient-tick findings';

interface Proof {
  readonly file: string;
  readonly name: string;
  readonly line: number;
}

interface ReliabilityPromise {
  readonly text: string;
  readonly line: number;
  readonly proofs: Proof[];
}

interface Section {
  readonly heading: string;
  readonly promises: ReliabilityPromise[];
}

class ReliabilityDocError extends Error {
  override readonly name = 'ReliabilityDocError';
}

const PROOF = /^ {2}- Proof: `([^`]+)` › (.+)$/;

/** Sections (## headings) with their promises (top-level list items) and each promise's proofs (nested items). */
function parseReliability(markdown: string): Section[] {
  const sections: Section[] = [];
  let promise: ReliabilityPromise | undefined;
  for (const [index, text] of markdown.split('\n').entries()) {
    const line = index + 1;
    if (text.startsWith('## ')) {
      sections.push({ heading: text.slice(3).trim(), promises: [] });
      promise = undefined;
    } else if (text.startsWith('- ')) {
      const section = sections.at(-1);
      if (section === undefined) throw new ReliabilityDocError(`line ${line}: a promise before any ## section`);
      promise = { text: text.slice(2).trim(), line, proofs: [] };
      section.promises.push(promise);
    } else if (text.startsWith('  - ')) {
      const match = PROOF.exec(text);
      if (match === null || promise === undefined) {
        throw new ReliabilityDocError(`line ${line}: expected "  - Proof: \`test/file.test.ts\` › test name"`);
      }
      promise.proofs.push({ file: match[1]!, name: match[2]!.trim(), line });
    }
  }
  return sections;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `source` declares a test (`it` or `test`, directly or through `.each`) with exactly this name. A skipped or
 * focused test (`it.skip`, `xit`, `it.only`) does not count: it proves nothing in a normal run.
 */
function declaresTest(source: string, name: string): boolean {
  const quoted = [`'${name.replace(/'/g, "\\'")}'`, `"${name.replace(/"/g, '\\"')}"`, `\`${name}\``];
  return quoted.some((literal) => {
    const direct = new RegExp(`(?:^|[^.\\w])(?:it|test)\\(\\s*${escapeRegExp(literal)}`);
    const each = new RegExp(
      `(?:^|[^.\\w])(?:it|test)\\.each\\((?:(?!(?<![\\w$.])(?:it|test|describe)(?:\\.\\w+)?\\()[\\s\\S])*?\\)\\(\\s*${escapeRegExp(literal)}`,
    );
    return direct.test(source) || each.test(source);
  });
}

/** Every problem with the proofs of `sections`, one line each; empty when every proof stands. */
function problems(sections: readonly Section[], root: string): string[] {
  const found: string[] = [];
  const sources = new Map<string, string | undefined>();
  const read = (file: string) => {
    if (!sources.has(file)) {
      const path = join(root, file);
      sources.set(file, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    }
    return sources.get(file);
  };
  for (const section of sections) {
    for (const promise of section.promises) {
      if (promise.proofs.length === 0) found.push(`line ${promise.line}: "${promise.text}" names no test`);
      for (const proof of promise.proofs) {
        const source = read(proof.file);
        if (!/^test\/.+\.test\.ts$/.test(proof.file)) {
          found.push(`line ${proof.line}: ${proof.file} is not a test file under test/`);
        } else if (source === undefined) {
          found.push(`line ${proof.line}: ${proof.file} does not exist`);
        } else if (!declaresTest(source, proof.name)) {
          found.push(`line ${proof.line}: ${proof.file} declares no test "${proof.name}"`);
        } else if (/(?:^|[^.\w])(?:xit|xtest|xdescribe)\(|\b(?:it|test|describe)\.(?:skip|only|todo)\(/.test(source)) {
          found.push(`line ${proof.line}: ${proof.file} skips or focuses tests, so its tests prove nothing in a run`);
        }
      }
    }
  }
  return found;
}

describe('docs/reliability.md', () => {
  const sections = parseReliability(readFileSync(DOC, 'utf8'));

  it('names a test for every promise, and each named test is declared in its file and runs', () => {
    const promises = sections.flatMap((section) => section.promises);
    expect(promises.length).toBeGreaterThanOrEqual(30);
    expect(problems(sections, ROOT)).toEqual([]);
  });

  it('lists each of issue 15’s eleven findings with its regression tests and the commit of its fix', () => {
    const findings = sections.find((section) => section.heading === FINDINGS_HEADING)?.promises ?? [];
    expect(findings.map((finding) => /^Finding (\d+),/.exec(finding.text)?.[1])).toEqual(
      Array.from({ length: 11 }, (_, index) => String(index + 1)),
    );
    for (const finding of findings) {
      expect(finding.proofs.length).toBeGreaterThan(0);
      expect(finding.text).toMatch(/\(fix: [0-9a-f]{7}/);
    }
    // Where the history is there (not a shallow clone), every commit named is one of this repository's.
    const shallow = (() => {
      try {
        return execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'true';
      }
    })();
    if (shallow !== 'false') return;
    const commits = findings.flatMap((finding) => finding.text.match(/\b[0-9a-f]{7}\b/g) ?? []);
    expect(commits.length).toBeGreaterThanOrEqual(11);
    for (const commit of commits) {
      expect(() =>
        execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: ROOT, stdio: 'ignore' }),
      ).not.toThrow();
    }
  });
});

describe('the reliability check itself', () => {
  const doc = [
    '# Reliability',
    '',
    '## Every tick',
    '',
    '- A promise with a proof that stands.',
    '  - Proof: `test/docs/reliability.test.ts` › names a test for every promise, and each named test is declared in its file and runs',
    '- A promise whose test was renamed.',
    '  - Proof: `test/docs/reliability.test.ts` › a test that does not exist',
    '- A promise without a test.',
    '- A promise proven by a file that is gone.',
    '  - Proof: `test/nowhere.test.ts` › anything',
  ].join('\n');

  it('reports a missing test, a promise without a proof and a missing file, by line', () => {
    expect(problems(parseReliability(doc), ROOT)).toEqual([
      'line 8: test/docs/reliability.test.ts declares no test "a test that does not exist"',
      'line 9: "A promise without a test." names no test',
      'line 11: test/nowhere.test.ts does not exist',
    ]);
  });

  it('refuses a proof line it cannot read', () => {
    expect(() => parseReliability('## S\n- A promise.\n  - proven by some test')).toThrow(ReliabilityDocError);
  });

  it('recognises tests declared directly or through .each, and not skipped ones or mere strings', () => {
    const source = [
      "it('plain name', () => {});",
      "test.each([[1], [2]])('%s case', () => {});",
      // written so that this file itself declares no skipped test
      ['it', "skip('skipped name', () => {});"].join('.'),
      "const text = 'just a string';",
      'it("double \\"quoted\\" name", () => {});',
    ].join('\n');
    expect(declaresTest(source, 'plain name')).toBe(true);
    expect(declaresTest(source, '%s case')).toBe(true);
    expect(declaresTest(source, 'skipped name')).toBe(false);
    expect(declaresTest(source, 'just a string')).toBe(false);
    expect(declaresTest(source, 'double "quoted" name')).toBe(true);
  });
});
