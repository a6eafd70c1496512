import {
  formatIssue,
  PolicySchema,
  PolicyValidationError,
  parsePolicySource,
  parsePolicyValue,
} from '../../../controller/policy';

const messages = (text: string, file = 'api.yaml') => parsePolicySource(text, file).issues.map(formatIssue);

describe('parsePolicySource', () => {
  it('parses a policy and keys it by function and qualifier', () => {
    const result = parsePolicySource('function: checkout-api\nqualifier: live\nwarm: { concurrency: 3 }\n', 'api.yaml');
    expect(result.issues).toEqual([]);
    expect(result.policies).toEqual([
      {
        file: 'api.yaml',
        index: 0,
        key: 'checkout-api:live',
        policy: { function: 'checkout-api', qualifier: 'live', warm: { concurrency: 3 } },
      },
    ]);
  });

  it('reads a policy set in YAML as in JSON: each entry a document of its own, an issue at its own line', () => {
    const text = [
      'defaults:',
      '  warm: { interval: 5m }',
      'policies:',
      '  - function: a',
      '  - function: b',
      '    warm: { concurrency: 0 }',
      '',
    ].join('\n');
    const result = parsePolicySource(text, 'set.yaml');
    expect(result.policies.map((p) => [p.key, p.policy.warm?.interval])).toEqual([['a:$LATEST', '5m']]);
    expect(result.issues.map(formatIssue)).toEqual([
      'set.yaml: policies[1].warm.concurrency: expected a whole number from 1 to 1000, got 0 (line 6, column 26)',
    ]);
  });

  it('applies a defaults document of the same file to the policies after it and returns it', () => {
    const text = 'defaults:\n  warm: { holdMs: 400 }\n---\nfunction: a\n---\nfunction: b\nwarm: { holdMs: 100 }\n';
    const result = parsePolicySource(text, 'set.yaml');
    expect(result.issues).toEqual([]);
    expect(result.defaults).toEqual({ warm: { holdMs: 400 } });
    expect(result.policies.map((p) => [p.key, p.index, p.policy.warm?.holdMs])).toEqual([
      ['a:$LATEST', 1, 400],
      ['b:$LATEST', 2, 100],
    ]);
  });

  it('says when a problem is in a window inherited from the defaults', () => {
    const text =
      'defaults:\n  windows:\n    - { name: night, from: "01:00", to: "05:00", mode: provisioned }\n---\nfunction: a\n';
    expect(parsePolicySource(text, 'set.yaml').issues.map(formatIssue)).toEqual([
      'set.yaml: windows[0].mode: mode "provisioned" needs a qualifier that is an alias or a published version (Lambda refuses provisioned concurrency on $LATEST); set qualifier: on the policy (the window is inherited from set.yaml (document 1)) (line 5, column 1)',
    ]);
  });

  it('applies defaults given by the caller', () => {
    const result = parsePolicySource('function: a\n', 'a.yaml', { mode: 'off' });
    expect(result.policies[0]!.policy.mode).toBe('off');
  });

  it('locates issues in later documents by their own line', () => {
    expect(messages('function: a\n---\nfunction: b\nmode: warn\n')).toEqual([
      'api.yaml: mode: expected one of warm, provisioned, auto, off, got "warn"; did you mean "warm"? (line 4, column 7)',
    ]);
  });

  it('names the document when two policies in one file target the same function', () => {
    expect(messages('function: a\n---\nfunction: a\n')).toEqual([
      'api.yaml: function: a (qualifier $LATEST) also has a policy in api.yaml (document 2); keep one policy per function and qualifier (line 1, column 11)',
      'api.yaml: function: a (qualifier $LATEST) also has a policy in api.yaml (document 1); keep one policy per function and qualifier (line 3, column 11)',
    ]);
  });

  it('reports schema problems and cross-field problems of the same document together', () => {
    const text = [
      'function: api',
      'mode: provisioned',
      'warm: { concurrency: 0 }',
      'provisioned: { min: 4, max: 2 }',
      'windows:',
      '  - { name: x, from: "01:00", to: "1:00", warm: { concurrency: 2 } }',
    ].join('\n');
    expect(messages(text)).toEqual([
      'api.yaml: qualifier: missing; mode "provisioned" needs an alias or a published version, because Lambda refuses provisioned concurrency on $LATEST; add e.g. qualifier: live (line 1, column 1)',
      'api.yaml: warm.concurrency: expected a whole number from 1 to 1000, got 0 (line 3, column 22)',
      'api.yaml: provisioned.max: max 2 is below min 4; max must be at least min (line 4, column 29)',
      'api.yaml: windows[0].to: "1:00" equals from ("01:00"), which leaves the window empty; for a whole day write from: "00:00" and to: "24:00" (line 6, column 35)',
    ]);
  });

  it('does not blame a window for a problem of the base settings', () => {
    const text =
      'function: api\nqualifier: live\nprovisioned: { min: 4, max: 2 }\nwindows:\n  - { name: w, from: "01:00", to: "02:00", mode: off }\n';
    expect(messages(text)).toEqual([
      'api.yaml: provisioned.max: max 2 is below min 4; max must be at least min (line 3, column 29)',
    ]);
  });

  it('checks the budget against each window', () => {
    const text = [
      'function: api',
      'qualifier: live',
      'budget: { maxConcurrency: 10 }',
      'windows:',
      '  - { name: peak, from: "08:00", to: "09:00", warm: { concurrency: 12 } }',
      '  - { name: pc, from: "10:00", to: "11:00", mode: provisioned, provisioned: { min: 11 } }',
      '  - { name: tight, from: "12:00", to: "13:00", budget: { maxConcurrency: 0 } }',
    ].join('\n');
    expect(messages(text)).toEqual([
      'api.yaml: windows[0].warm.concurrency: 12 is above budget.maxConcurrency 10; lower it or raise the budget (line 5, column 68)',
      'api.yaml: windows[1].provisioned.min: 11 is above budget.maxConcurrency 10; lower it or raise the budget (line 6, column 84)',
      'api.yaml: windows[2].budget.maxConcurrency: expected a whole number from 1 to 100000, got 0 (line 7, column 74)',
    ]);
  });

  it('reports a document that is not a mapping and a file with no document', () => {
    expect(messages('just text\n')).toEqual([
      'api.yaml: expected a policy (function: ..., mode: ...) or a defaults document (defaults: ...), got the text "just text" (line 1, column 1)',
    ]);
    expect(messages('')).toEqual([
      'api.yaml: the file holds no document; expected a policy (function: ..., mode: ...) or a defaults document (defaults: ...)',
    ]);
  });

  it('hints at defaults: when a defaults file forgets the wrapper', () => {
    expect(messages('timezone: UTC\n', '_defaults.yaml')).toEqual([
      '_defaults.yaml: function: missing; expected the function name or full ARN, e.g. checkout-api; a defaults document puts its settings under defaults: (line 1, column 1)',
    ]);
  });

  it('rejects unknown keys in a defaults document and keys that only a policy may have', () => {
    expect(messages('defaults:\n  function: x\n  warm: { intervall: 5m }\n')).toEqual([
      'api.yaml: defaults.function: unknown key "function"; allowed keys here: mode, timezone, warm, provisioned, budget, auto, objective, windows (line 2, column 3)',
      'api.yaml: defaults.warm.intervall: unknown key "intervall"; did you mean "interval"? (line 3, column 11)',
    ]);
  });

  it('rejects defaults both given and found in the text, and loads nothing that would inherit them', () => {
    const result = parsePolicySource('defaults: { mode: off }\n---\nfunction: a\n', 'a.yaml', { mode: 'warm' });
    expect(result.policies).toEqual([]);
    expect(result.issues.map(formatIssue)[0]).toBe(
      'a.yaml: defaults: a set has one defaults document, but defaults are also in the defaults given by the caller (line 1, column 11)',
    );
  });

  it('rejects JSON that only YAML would accept in a .json file, with the line and column', () => {
    const text = '{\n  "function": "checkout-api",\n  "warm": { "concurrency": 3, }\n}\n';
    const [issue, ...rest] = parsePolicySource(text, 'api.json').issues;
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ file: 'api.json', path: '', line: 3, column: 31 });
    expect(issue!.message).toMatch(/^JSON syntax error: /);
    // The same text is fine in a YAML file, where flow mappings allow the trailing comma.
    expect(parsePolicySource(text, 'api.yaml').issues).toEqual([]);
  });

  it('accepts every payload flavour and a custom JSON payload', () => {
    for (const payload of ['thermostat', 'serverless-plugin-warmup', 'lambda-warmer', 'middy'])
      expect(parsePolicySource(`function: a\nwarm: { payload: ${payload} }\n`, 'a.yaml').issues).toEqual([]);
    const custom = parsePolicySource('function: a\nwarm:\n  payload:\n    custom: [1, "two"]\n', 'a.yaml');
    expect(custom.policies[0]!.policy.warm?.payload).toEqual({ custom: [1, 'two'] });
  });

  it('keeps the function as written in the key, ARN included', () => {
    const arn = 'arn:aws-cn:lambda:cn-north-1:123456789012:function:api';
    expect(parsePolicySource(`function: ${arn}\nqualifier: "12"\n`, 'a.yaml').policies[0]!.key).toBe(`${arn}:12`);
  });

  it('limits YAML aliases so a hostile file cannot expand without bound', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ];
    const result = parsePolicySource(bomb.join('\n'), 'bomb.yaml');
    expect(result.issues.map(formatIssue)).toEqual([
      'bomb.yaml: YAML error: too many aliases (*name references); expand them or use fewer',
    ]);
  });
});

describe('parsePolicyValue', () => {
  it('validates an object the same way, without line numbers', () => {
    const result = parsePolicyValue({ function: 'api', warm: { concurency: 2 } }, 'construct policy "api"');
    expect(result.issues).toEqual([
      {
        file: 'construct policy "api"',
        path: 'warm.concurency',
        message: 'unknown key "concurency"; did you mean "concurrency"?',
      },
    ]);
  });

  it('round-trips a loaded policy: a parsed policy is plain JSON that parses to itself', () => {
    const first = parsePolicySource('function: api\nwarm: { interval: 2m, payload: { custom: { a: 1 } } }\n', 'a.yaml');
    const again = parsePolicyValue(JSON.parse(JSON.stringify(first.policies[0]!.policy)), 'copy');
    expect(again.policies[0]!.policy).toEqual(first.policies[0]!.policy);
    expect(PolicySchema.safeParse(first.policies[0]!.policy).success).toBe(true);
  });
});

describe('PolicyValidationError', () => {
  it('carries the issues and lists them one per line', () => {
    const { issues } = parsePolicySource('function: a\nmode: warn\ntimezone: Mars\n', 'a.yaml');
    const error = new PolicyValidationError(issues, { cause: 'synth' });
    expect(error.name).toBe('PolicyValidationError');
    expect(error.issues).toBe(issues);
    expect(error.cause).toBe('synth');
    expect(error.message).toBe(
      [
        '2 policy problems:',
        '  a.yaml: mode: expected one of warm, provisioned, auto, off, got "warn"; did you mean "warm"? (line 2, column 7)',
        '  a.yaml: timezone: unknown time zone "Mars"; use an IANA name such as "Europe/Paris" or "UTC" (line 3, column 11)',
      ].join('\n'),
    );
  });

  it('reads as one line for one issue', () => {
    const error = new PolicyValidationError([{ file: 'a.yaml', path: 'mode', message: 'bad' }]);
    expect(error.message).toBe('invalid policy: a.yaml: mode: bad');
    expect(error).toBeInstanceOf(Error);
  });
});
