// Pre-bundles the Lambda handlers the package ships (the construct loads them with Code.fromAsset), so a user's
// `cdk synth` needs neither esbuild nor Docker. Runs at build time and before the tests.
const { existsSync, mkdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** Each shipped handler: its TypeScript entry and the asset folder the construct points at. */
const ENTRIES = [{ name: 'controller', entry: 'controller/handler.ts', outdir: 'dist/assets/controller' }];

async function bundle({ quiet = false } = {}) {
  const esbuild = require('esbuild');
  const results = [];
  for (const { name, entry, outdir } of ENTRIES) {
    const entryPath = join(root, entry);
    if (!existsSync(entryPath)) continue;
    mkdirSync(join(root, outdir), { recursive: true });
    const outfile = join(root, outdir, 'index.js');
    const result = await esbuild.build({
      entryPoints: [entryPath],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      sourcemap: true,
      // The Lambda Node.js runtime ships the AWS SDK v3; bundling it would only add cold-start time.
      external: ['@aws-sdk/*', '@smithy/*'],
      outfile,
      metafile: true,
      logLevel: 'warning',
    });
    writeFileSync(join(root, outdir, 'meta.json'), JSON.stringify(result.metafile));
    const bytes = statSync(outfile).size;
    results.push({ name, outfile, bytes });
    if (!quiet) process.stdout.write(`bundled ${name}: ${outfile} (${(bytes / 1024).toFixed(1)} KiB)\n`);
  }
  return results;
}

module.exports = { bundle, ENTRIES };

if (require.main === module) {
  bundle().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exitCode = 1;
  });
}
