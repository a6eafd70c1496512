import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const operations = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('docs/operations.md', () => {
  it('the CDK Pipelines example synthesises one Thermostat per account and Region, as written', () => {
    const example = operations.split('**With CDK Pipelines**')[1]?.split('```ts\n')[1]?.split('```')[0];
    if (example === undefined) throw new Error('no TypeScript block after **With CDK Pipelines**');
    expect(example).toContain("from 'lambda-thermostat'");
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-pipelines-'));
    try {
      mkdirSync(join(dir, 'policies'));
      // The quick start's policy, and one alike for the other function the example names.
      const policy = readme.split('# policies/checkout-api.yaml\n')[1]!.split('```')[0]!;
      writeFileSync(join(dir, 'policies', 'checkout-api.yaml'), policy);
      writeFileSync(
        join(dir, 'policies', 'orders-worker.yaml'),
        'function: orders-worker\nqualifier: live\nwarm: { concurrency: 1, interval: 5m }\n',
      );
      const app = example.replace("from 'lambda-thermostat'", `from ${JSON.stringify(join(root, 'construct'))}`);
      writeFileSync(join(dir, 'app.ts'), `${app}\napp.synth();\n`);
      const out = join(dir, 'cdk.out');
      const result = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'app.ts'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, CDK_OUTDIR: out, NODE_PATH: join(root, 'node_modules') },
      });
      if (result.status !== 0) throw new Error(`the example exited ${result.status}:\n${result.stderr}`);

      const stages = readdirSync(out)
        .filter((name) => name.startsWith('assembly-'))
        .sort();
      expect(stages).toEqual([
        'assembly-Warmth-222222222222-eu-west-1',
        'assembly-Warmth-222222222222-us-east-1',
        'assembly-Warmth-333333333333-eu-west-1',
      ]);
      const invoked = stages.map((stage) => {
        const [file] = readdirSync(join(out, stage)).filter((name) => name.endsWith('.template.json'));
        const template = readFileSync(join(out, stage, file!), 'utf8');
        expect(template).toContain('"AWS::Scheduler::Schedule"');
        return [...new Set(template.match(/function:[a-z-]+:live/g))].sort();
      });
      expect(invoked).toEqual([
        ['function:checkout-api:live', 'function:orders-worker:live'],
        ['function:checkout-api:live'],
        ['function:orders-worker:live'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
