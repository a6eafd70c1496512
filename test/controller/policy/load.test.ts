import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, loadPolicySet, type PolicyIssue, parsePolicyValue } from '../../../controller/policy';
import { MAX_ISSUES, MAX_ISSUES_PER_FILE, MAX_MESSAGE_LENGTH } from '../../../controller/policy/issues';
import { DUPLICATES_REPORTED } from '../../../controller/policy/parse';
import { STRING_LIMITS } from '../../../controller/policy/schema';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'policies');
const fixture = (...parts: string[]) => join(FIXTURES, ...parts);
/** Issues as lines without the (long, machine-specific) directory. */
const lines = (issues: readonly PolicyIssue[]) =>
  issues.map((issue) => formatIssue({ ...issue, file: issue.file.slice(FIXTURES.length + 1) }));

describe('invalid fixtures: every common mistake gets its exact message, path, line and column', () => {
  const dir = fixture('invalid');
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));

  it('has a fixture for each rule', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(files)('%s', (name) => {
    const path = join(dir, name);
    // Each fixture lists the exact lines it must produce as trailing `# expect:` comments.
    const expected = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('# expect: '))
      .map((line) => `invalid/${name}: ${line.slice('# expect: '.length)}`);
    const set = loadPolicySet([path]);
    expect(expected.length).toBeGreaterThan(0);
    expect(lines(set.issues)).toEqual(expected);
    expect(set.policies).toEqual([]);
  });
});

describe('loadPolicySet', () => {
  it('loads valid YAML, multi-document YAML and JSON, with defaults from a document in the set', () => {
    const set = loadPolicySet([fixture('valid')]);
    expect(set.issues).toEqual([]);
    expect(set.files.map((f) => f.slice(FIXTURES.length + 1))).toEqual([
      'valid/full.yaml',
      'valid/minimal.yaml',
      'valid/multi-doc.yaml',
      'valid/policy.json',
    ]);
    expect(set.policies.map((p) => [p.key, p.index])).toEqual([
      ['checkout-api:live', 0],
      ['checkout-api:$LATEST', 0],
      ['orders-api:$LATEST', 1],
      ['orders-worker:7', 2],
      ['arn:aws:lambda:us-east-1:123456789012:function:webhook:prod', 0],
    ]);
    expect(set.defaults).toEqual({ timezone: 'Europe/Paris', warm: { interval: '3m' } });
    // Defaults fill what a policy leaves out and never override what it says.
    const worker = set.policies.find((p) => p.key === 'orders-worker:7')!.policy;
    expect(worker.warm).toEqual({ interval: '3m', payload: 'lambda-warmer' });
    const webhook = set.policies.find((p) => p.key.endsWith('webhook:prod'))!.policy;
    expect(webhook.warm?.interval).toBe('10m');
    // The `$schema` key of a JSON file is for editors and does not reach the policy.
    expect(webhook).not.toHaveProperty('$schema');
    expect(webhook.timezone).toBe('Europe/Paris');
  });

  it('merges a defaults file into every policy, section by section', () => {
    const set = loadPolicySet([fixture('sets', 'with-defaults')]);
    const api = set.policies.find((p) => p.key === 'api:$LATEST')!.policy;
    expect(api).toEqual({
      function: 'api',
      timezone: 'America/New_York',
      warm: { interval: '4m', holdMs: 300, concurrency: 3 },
      budget: { maxConcurrency: 20 },
    });
    const batch = set.policies.find((p) => p.key === 'batch:live')!.policy;
    expect(batch.timezone).toBe('UTC');
    expect(batch.budget).toEqual({ maxConcurrency: 100 });
  });

  it('checks cross-field rules against inherited values and says where they came from', () => {
    const set = loadPolicySet([fixture('sets', 'with-defaults')]);
    expect(lines(set.issues)).toEqual([
      'sets/with-defaults/greedy.yaml: warm.concurrency: 30 is above budget.maxConcurrency 20 (inherited from ' +
        `${fixture('sets', 'with-defaults', '_defaults.yaml')}); lower it or raise the budget (line 2, column 22)`,
    ]);
    expect(set.policies.map((p) => p.key)).toEqual(['api:$LATEST', 'batch:live']);
  });

  it('names both files when two policies target the same function and qualifier (name or ARN)', () => {
    const set = loadPolicySet([fixture('sets', 'duplicates')]);
    const a = fixture('sets', 'duplicates', 'a.yaml');
    const b = fixture('sets', 'duplicates', 'b.yaml');
    expect(lines(set.issues)).toEqual([
      `sets/duplicates/a.yaml: function: checkout-api (qualifier live) also has a policy in ${b}; keep one policy per function and qualifier (line 1, column 11)`,
      `sets/duplicates/b.yaml: function: checkout-api (qualifier live) also has a policy in ${a}; keep one policy per function and qualifier (line 1, column 11)`,
    ]);
    // Neither duplicate is used; the same function without a qualifier is a different target.
    expect(set.policies.map((p) => p.key)).toEqual(['checkout-api:$LATEST']);
  });

  it('reports every broken file and still returns the valid sibling', () => {
    const set = loadPolicySet([fixture('sets', 'broken-sibling')]);
    expect(lines(set.issues)).toEqual([
      'sets/broken-sibling/broken.yaml: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (line 4, column 1)',
      'sets/broken-sibling/invalid.yaml: mode: expected one of warm, provisioned, auto, off, got "sometimes" (line 2, column 7)',
    ]);
    expect(set.policies.map((p) => p.key)).toEqual(['good-function:$LATEST']);
  });

  it('refuses two defaults documents in one set and loads no policy that would inherit them', () => {
    const set = loadPolicySet([fixture('sets', 'two-defaults')]);
    expect(set.policies).toEqual([]);
    expect(set.defaults).toBeUndefined();
    const messages = lines(set.issues);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(
      /^sets\/two-defaults\/_defaults.yaml: defaults: a set has one defaults document, but defaults are also in .*more.yaml \(document 1\)/,
    );
    expect(messages[2]).toMatch(
      /^sets\/two-defaults\/more.yaml: not loaded, because the defaults it inherits are invalid/,
    );
  });

  it('loads no policy that inherits invalid defaults, rather than one with the wrong settings', () => {
    const set = loadPolicySet([fixture('sets', 'invalid-defaults')]);
    expect(set.policies).toEqual([]);
    expect(lines(set.issues)[0]).toBe(
      'sets/invalid-defaults/_defaults.yaml: defaults.timezone: unknown time zone "Europe/Pariss"; did you mean "Europe/Paris"? (line 2, column 13)',
    );
    expect(lines(set.issues)[1]).toMatch(
      /^sets\/invalid-defaults\/api.yaml: not loaded, because the defaults it inherits are invalid/,
    );
  });

  it('reads directories recursively, skipping hidden folders and other extensions', () => {
    const set = loadPolicySet([fixture('sets', 'nested')]);
    expect(set.issues).toEqual([]);
    expect(set.policies.map((p) => p.key)).toEqual(['root:$LATEST', 'team-a:$LATEST']);
  });

  it('reports missing paths, empty directories and other file types without throwing', () => {
    const set = loadPolicySet([
      fixture('nope.yaml'),
      fixture('sets', 'nested', 'team-a', 'notes.md'),
      fixture('sets', 'nested', '.hidden', 'h.yaml'),
    ]);
    expect(lines(set.issues)).toEqual([
      'nope.yaml: cannot read: no such file or directory',
      'sets/nested/team-a/notes.md: not a policy file; expected a .yaml, .yml or .json file',
    ]);
    // A hidden file named explicitly is still read.
    expect(set.policies.map((p) => p.key)).toEqual(['hidden:$LATEST']);
  });

  it('reads relative paths from the given directory and reports them as given', () => {
    const set = loadPolicySet(['valid/minimal.yaml', 'missing.yaml'], { cwd: FIXTURES });
    expect(set.files).toEqual(['valid/minimal.yaml']);
    expect(set.policies.map((p) => p.file)).toEqual(['valid/minimal.yaml']);
    expect(lines(set.issues.map((i) => ({ ...i, file: `${FIXTURES}/${i.file}` })))).toEqual([
      'missing.yaml: cannot read: no such file or directory',
    ]);
  });

  it('reads a file named twice (directly and through its directory) once', () => {
    const set = loadPolicySet([fixture('sets', 'nested'), fixture('sets', 'nested', 'root.yaml')]);
    expect(set.files).toHaveLength(2);
    expect(set.issues).toEqual([]);
  });
});

describe('pathological input stays fast and prints little (issue 15, finding 8)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-load-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const megabyte = 'x'.repeat(1024 * 1024);

  it('refuses a megabyte-long field by its length, without a "did you mean" search or echoing it', () => {
    // Two files, so each stays under the size cap.
    const first = write(
      'long-fields.yaml',
      ['function: api', `timezone: "Europe/${megabyte}"`, `mode: "${megabyte}"`, ''].join('\n'),
    );
    const second = write(
      'long-window.yaml',
      [
        'function: api2',
        'warm:',
        `  interval: "${megabyte}"`,
        'windows:',
        `  - { name: "${megabyte}", from: "09:00", to: "${megabyte}" }`,
        '',
      ].join('\n'),
    );
    const set = loadPolicySet([first, second]);
    const messages = Object.fromEntries(set.issues.map((issue) => [issue.path, issue.message]));
    expect(messages).toMatchObject({
      timezone: `too long (${megabyte.length + 7} characters); at most ${STRING_LIMITS.timezone}`,
      'warm.interval': `too long (${megabyte.length} characters); at most ${STRING_LIMITS.duration}`,
      'windows[0].name': `too long (${megabyte.length} characters); at most ${STRING_LIMITS.windowName}`,
    });
    expect(messages['windows[0].to']).toMatch(/got "x{80}…" \(1048576 characters\)$/);
    expect(messages.mode).toMatch(/got "x{80}…" \(1048576 characters\)$/);
    // YAML itself refuses a key that long; a policy object (the construct's inline policies) gets here.
    const inline = parsePolicyValue({ function: 'api', [megabyte]: 1 }, 'inline');
    expect(inline.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^unknown key "x{80}…" \(1048576 characters\); allowed keys here: function, qualifier/),
    ]);
    for (const issue of set.issues) expect(issue.message.length).toBeLessThan(MAX_MESSAGE_LENGTH);
  });

  it('reports 10 000 documents naming one target in a dozen lines, naming the first places and counting the rest', () => {
    const path = write('many.yaml', 'function: api\nqualifier: live\n---\n'.repeat(10_000));
    const set = loadPolicySet([path]);
    expect(set.policies).toEqual([]);
    expect(set.issues).toHaveLength(DUPLICATES_REPORTED + 1);
    expect(set.issues[0]!.message).toBe(
      `api (qualifier live) also has a policy in ${[2, 3, 4, 5, 6].map((n) => `${path} (document ${n})`).join(', ')} and 9994 more places; keep one policy per function and qualifier`,
    );
    expect(set.issues[DUPLICATES_REPORTED]).toMatchObject({
      path: 'function',
      line: DUPLICATES_REPORTED * 3 + 1,
      message: `${10_000 - DUPLICATES_REPORTED} more policies for api (qualifier live), from here on, not listed one by one; keep one policy per function and qualifier`,
    });
  });

  it('lists at most a hundred problems per file and says how many more there are', () => {
    const path = write('broken-many.yaml', 'function: api\nmode: sometimes\n---\n'.repeat(1_000));
    const set = loadPolicySet([path]);
    expect(set.issues).toHaveLength(MAX_ISSUES_PER_FILE + 1);
    expect(set.issues[MAX_ISSUES_PER_FILE]).toEqual({
      file: path,
      path: '',
      message: '900 more problems in this file not listed; fix the ones above and validate again',
    });
  });

  it('lists at most MAX_ISSUES problems over many files', () => {
    const many = join(dir, 'many-files');
    mkdirSync(many);
    for (let i = 0; i < 12; i++) writeFileSync(join(many, `f${i}.yaml`), 'mode: sometimes\n---\n'.repeat(60));
    const set = loadPolicySet([many]);
    const listed = set.issues.filter((issue) => !/more problems? in this file not listed/.test(issue.message));
    expect(listed).toHaveLength(MAX_ISSUES);
    expect(set.issues.length).toBeLessThanOrEqual(MAX_ISSUES + 12);
  });
});
