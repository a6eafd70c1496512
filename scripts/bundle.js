// Pre-bundles the Lambda handlers the package ships (the construct loads them with Code.fromAsset), so a user's
// `cdk synth` needs neither esbuild nor Docker. Runs at build time and before the tests.
const { existsSync, mkdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');

const root = join(__dirname, '..');

/**
 * Each shipped handler: its TypeScript entry, the asset folder the construct points at (only what Lambda loads:
 * every byte there is uploaded, stored and downloaded on each cold start), and a folder outside the asset for the
 * source map and esbuild's metafile (local debugging: `node --enable-source-maps` with the map next to a copy).
 */
const ENTRIES = [
  {
    name: 'controller',
    entry: 'controller/handler.ts',
    outdir: 'dist/assets/controller',
    debugdir: 'dist/debug/controller',
  },
];

async function bundle({ quiet = false } = {}) {
  const esbuild = require('esbuild');
  const results = [];
  for (const { name, entry, outdir, debugdir } of ENTRIES) {
    const entryPath = join(root, entry);
    if (!existsSync(entryPath)) continue;
    // Start from an empty asset folder, so nothing an older build left there is shipped.
    rmSync(join(root, outdir), { recursive: true, force: true });
    mkdirSync(join(root, outdir), { recursive: true });
    mkdirSync(join(root, debugdir), { recursive: true });
    const outfile = join(root, outdir, 'index.js');
    const result = await esbuild.build({
      entryPoints: [entryPath],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      // Written outside the asset below; no sourceMappingURL comment points into a folder Lambda does not have.
      sourcemap: 'external',
      write: false,
      // The Lambda Node.js runtime ships the AWS SDK v3; bundling it would only add cold-start time.
      external: ['@aws-sdk/*', '@smithy/*'],
      outfile,
      metafile: true,
      logLevel: 'warning',
    });
    for (const file of result.outputFiles) {
      const map = file.path.endsWith('.map');
      writeFileSync(map ? join(root, debugdir, basename(file.path)) : file.path, file.contents);
    }
    writeFileSync(join(root, debugdir, 'meta.json'), JSON.stringify(result.metafile));
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
