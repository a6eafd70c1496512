import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFieldTable } from '../../scripts/write-schema';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('has a policy field table generated from the current schema (run `npm run schema` when this fails)', () => {
    expect(withFieldTable(readme)).toBe(readme);
  });

  it('quick start gives exactly two commands, the demo and the tests', () => {
    const quickStart = readme.split('## Quick start')[1]!.split('```sh')[1]!.split('```')[0]!;
    const commands = quickStart
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toMatch(/thermostat(\.js)? demo/);
    expect(scripts.test).toBe('jest');
  });

  it('links only to sections that exist', () => {
    const slugs = new Set(
      [...readme.matchAll(/^#{1,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const anchors = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(anchors.length).toBeGreaterThan(5);
    expect(anchors.filter((a) => !slugs.has(a))).toEqual([]);
  });

  it('the quick-start policy example validates', async () => {
    const yaml = readme.split('# policies/checkout-api.yaml\n')[1]!.split('```')[0]!;
    expect(yaml).toContain('function: checkout-api');
    const { parsePolicySource } = await import('../../controller/policy');
    const result = parsePolicySource(yaml, 'checkout-api.yaml');
    expect(result.issues).toEqual([]);
    expect(result.policies).toHaveLength(1);
  });

  it('files it links to exist', () => {
    const links = [...readme.matchAll(/\]\(([A-Za-z][\w./-]+\.md)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !existsSync(join(root, link)))).toEqual([]);
  });
});
