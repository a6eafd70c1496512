import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

/** What a user's bundler pulls in when it bundles one of the helper's entry points. */
async function inputsOf(entry: string): Promise<{ inputs: string[]; code: string }> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0].text };
}

describe('the helper stays dependency-free', () => {
  it.each(['target/index.ts', 'target/middy.ts'])(
    '%s bundles only files of target/ and requires nothing',
    async (entry) => {
      const { inputs, code } = await inputsOf(entry);
      expect(inputs.length).toBeGreaterThan(3);
      expect(inputs.filter((input) => !input.startsWith('target/'))).toEqual([]);
      // No AWS SDK, no middy, not even a Node built-in: the bundle has no require call at all.
      expect(code).not.toMatch(/\brequire\(/);
    },
  );
});
