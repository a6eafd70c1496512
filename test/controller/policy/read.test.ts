/**
 * Pathological policy files (issue 15, finding 8) get a clear error, fast, wherever the policy module runs: the
 * CLI (`thermostat validate`), synth (the construct's TargetPolicy.fromFile/fromDirectory) and the controller.
 * A read that blocks (a FIFO) or never ends (/dev/zero) cannot be interrupted inside the test process, so those
 * run in real child processes with a time limit.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadPolicySet, MAX_POLICY_FILE_BYTES, readPolicyText } from '../../../controller/policy';

const root = join(__dirname, '..', '..', '..');
const exec = promisify(execFile);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'thermostat-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Runs `script` against the current sources in a child process that is killed after `timeoutMs`. */
async function isolated(script: string, timeoutMs = 60_000): Promise<unknown> {
  const { stdout } = await exec(process.execPath, ['-e', `require('tsx/cjs');\n${script}`], {
    cwd: root,
    timeout: timeoutMs,
    maxBuffer: 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return JSON.parse(stdout);
}

describe('special files named like policy files', () => {
  let specials: string;
  beforeAll(() => {
    specials = join(dir, 'specials');
    mkdirSync(specials);
    execFileSync('mkfifo', [join(specials, 'pipe.yaml')]);
    symlinkSync('/dev/zero', join(specials, 'zero.json'));
    writeFileSync(join(specials, 'good.yaml'), 'function: good-one\n');
  });

  const expectRefused = (lines: string[]) => {
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /pipe\.yaml: cannot read: a named pipe \(FIFO\); policies are read from regular files only/,
        ),
        expect.stringMatching(/zero\.json: cannot read: a character device; policies are read from regular files only/),
      ]),
    );
  };

  it('thermostat validate refuses a FIFO and a symlink to /dev/zero at once, and still reads the rest', async () => {
    const result = (await isolated(`
      const { main } = require('./cli/main');
      const out = [];
      const sink = { write: (text) => { out.push(text); return true; }, isTTY: false };
      main(['validate', ${JSON.stringify(specials)}], { stdout: sink, stderr: sink, cwd: process.cwd(), env: {} })
        .then((code) => process.stdout.write(JSON.stringify({ code, lines: out.join('').split('\\n') })));
    `)) as { code: number; lines: string[] };
    expect(result.code).toBe(1);
    expectRefused(result.lines);
    expect(result.lines.some((line) => /^ok .*good\.yaml$/.test(line))).toBe(true);
  });

  it('the controller refuses them as its policy file with a configuration error naming the file', async () => {
    const result = (await isolated(`
      const { readPolicyFile } = require('./controller/policies');
      const out = {};
      for (const name of ['pipe.yaml', 'zero.json']) {
        try { readPolicyFile(require('node:path').join(${JSON.stringify(specials)}, name)); out[name] = 'read'; }
        catch (error) { out[name] = error.name + ': ' + error.message; }
      }
      process.stdout.write(JSON.stringify(out));
    `)) as Record<string, string>;
    expect(result['pipe.yaml']).toMatch(
      /^ControllerConfigError: cannot read the policy file .*pipe\.yaml: cannot read: a named pipe \(FIFO\)/,
    );
    expect(result['zero.json']).toMatch(
      /^ControllerConfigError: cannot read the policy file .*zero\.json: cannot read: a character device/,
    );
  });

  it('synth fails naming the special file (TargetPolicy.fromFile and fromDirectory)', async () => {
    const result = (await isolated(`
      const { bindTargets } = require('./construct/binding');
      const { TargetPolicy } = require('./construct');
      const { fn, newStack } = require('./test/construct/stacks');
      const stack = newStack();
      const target = fn(stack, 'Good', { functionName: 'good-one' });
      const out = [];
      for (const policy of [
        TargetPolicy.fromFile(require('node:path').join(${JSON.stringify(specials)}, 'pipe.yaml')),
        TargetPolicy.fromDirectory(${JSON.stringify(specials)}),
      ]) {
        try { bindTargets([{ function: target, policy }]); out.push('bound'); }
        catch (error) { out.push(error.name + ': ' + error.message); }
      }
      process.stdout.write(JSON.stringify(out));
    `)) as string[];
    expect(result[0]).toMatch(/^ThermostatConfigError: .*pipe\.yaml: cannot read: a named pipe \(FIFO\)/s);
    expect(result[1]).toMatch(/pipe\.yaml: cannot read: a named pipe/);
    expect(result[1]).toMatch(/zero\.json: cannot read: a character device/);
  });
});

describe('size cap', () => {
  it('refuses a file above the cap, naming the file and the cap, without reading it', () => {
    const path = write('huge.yaml', `function: api\n# ${'x'.repeat(MAX_POLICY_FILE_BYTES)}\n`);
    const set = loadPolicySet([path]);
    expect(set.issues).toEqual([
      {
        file: path,
        path: '',
        message: `the file is ${MAX_POLICY_FILE_BYTES + 17} bytes, more than the ${MAX_POLICY_FILE_BYTES} bytes a policy file may hold; split the set into several files`,
      },
    ]);
  });

  it('reads a file right at the cap', () => {
    const head = 'function: api\n# ';
    const path = write('full.yaml', `${head}${'x'.repeat(MAX_POLICY_FILE_BYTES - head.length - 1)}\n`);
    expect(readPolicyText(path)).toHaveProperty('text');
    expect(loadPolicySet([path]).policies.map((p) => p.key)).toEqual(['api:$LATEST']);
  });
});

describe('encodings', () => {
  const policy = 'function: café-api\n'.replace('é', 'e');
  const utf16le = (text: string) => Buffer.from(text, 'utf16le');
  const utf16be = (text: string) => {
    const bytes = utf16le(text);
    for (let i = 0; i < bytes.length; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1]!, bytes[i]!];
    return bytes;
  };
  const keys = (path: string) => {
    const set = loadPolicySet([path]);
    return { keys: set.policies.map((p) => p.key), issues: set.issues.map((i) => i.message) };
  };

  it('reads UTF-8 with a byte-order mark, YAML and JSON alike', () => {
    expect(keys(write('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(policy)])))).toEqual({
      keys: ['cafe-api:$LATEST'],
      issues: [],
    });
    const json = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"function":"bom-json"}')]);
    expect(keys(write('bom.json', json))).toEqual({ keys: ['bom-json:$LATEST'], issues: [] });
  });

  it('decodes UTF-16 little- and big-endian when the byte-order mark says so', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('function: sixteen-le\n')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('{"function": "sixteen-be"}')]);
    expect(keys(write('le.yaml', le))).toEqual({ keys: ['sixteen-le:$LATEST'], issues: [] });
    expect(keys(write('be.json', be))).toEqual({ keys: ['sixteen-be:$LATEST'], issues: [] });
  });

  it('refuses UTF-16 without a mark, UTF-32 and bytes that are not UTF-8, saying how to save the file', () => {
    expect(keys(write('bare16.yaml', utf16le('function: x\n'))).issues).toEqual([
      'the file looks like UTF-16 text without a byte-order mark; save the file as UTF-8',
    ]);
    const utf32 = Buffer.from([0xff, 0xfe, 0, 0, 0x66, 0, 0, 0]);
    expect(keys(write('utf32.yaml', utf32)).issues).toEqual([
      'the file is UTF-32 text, which policy files cannot be; save the file as UTF-8',
    ]);
    const latin1 = Buffer.from('function: api\n# caf\xe9\n', 'latin1');
    expect(keys(write('latin1.yaml', latin1)).issues).toEqual([
      'the file is not UTF-8 text (byte 20); save the file as UTF-8',
    ]);
  });
});
