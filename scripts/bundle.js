// Pre-bundles the Lambda handlers the package ships (the construct loads them with Code.fromAsset), so a user's
// `cdk synth` needs neither esbuild nor Docker. Runs at build time and before the tests.
const {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { basename, dirname, join, relative, sep } = require('node:path');

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
    // Modules the entry requires only on some paths, each its own file in the asset: code a cold start never runs
    // is then not even read and compiled. The tracer with the X-Ray SDK under it was a third of index.js.
    lazy: { tracing: 'controller/tracing.ts' },
  },
];

/** Leaves `require('./<name>')` of a lazy module to Node at run time, pointing at the module's own output file. */
function lazyModules(names) {
  return {
    name: 'lazy-modules',
    setup(build) {
      const pattern = new RegExp(`^\\./(${names.join('|')})$`);
      build.onResolve({ filter: pattern }, (args) =>
        args.kind === 'require-call' ? { path: `${args.path}.js`, external: true } : undefined,
      );
    },
  };
}

/** Replaces a file in one step (a rename within its folder), so a reader sees the old file or the new one. */
function writeAtomically(path, contents) {
  const scratch = `${path}.${process.pid}.tmp`;
  writeFileSync(scratch, contents);
  renameSync(scratch, path);
}

async function bundle({ quiet = false } = {}) {
  const esbuild = require('esbuild');
  const results = [];
  for (const { name, entry, outdir, debugdir, lazy = {} } of ENTRIES) {
    const entryPath = join(root, entry);
    if (!existsSync(entryPath)) continue;
    mkdirSync(join(root, outdir), { recursive: true });
    mkdirSync(join(root, debugdir), { recursive: true });
    const outfile = join(root, outdir, 'index.js');
    const entryPoints = { index: entryPath };
    for (const [lazyName, lazyEntry] of Object.entries(lazy)) entryPoints[lazyName] = join(root, lazyEntry);
    const result = await esbuild.build({
      entryPoints,
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
      outdir: join(root, outdir),
      plugins: [lazyModules(Object.keys(lazy))],
      metafile: true,
      logLevel: 'warning',
    });
    for (const file of result.outputFiles) {
      const map = file.path.endsWith('.map');
      writeAtomically(map ? join(root, debugdir, basename(file.path)) : file.path, file.contents);
    }
    // Nothing an older build left in the asset folder is shipped. The folder itself is never emptied: a construct
    // synthesised meanwhile (a test beside `npm run bench`) always finds a whole index.js.
    const shipped = new Set(
      result.outputFiles.map((file) => basename(file.path)).filter((file) => !file.endsWith('.map')),
    );
    for (const name of readdirSync(join(root, outdir)))
      if (!shipped.has(name)) rmSync(join(root, outdir, name), { recursive: true, force: true });
    writeAtomically(join(root, debugdir, 'meta.json'), JSON.stringify(result.metafile));
    const bytes = statSync(outfile).size;
    results.push({ name, outfile, bytes });
    if (!quiet) process.stdout.write(`bundled ${name}: ${outfile} (${(bytes / 1024).toFixed(1)} KiB)\n`);
  }
  return results;
}

/**
 * What an installed package runs besides the construct: the CLI as one file with the AWS SDK clients and Powertools
 * inside (the package's dependencies stay light for CDK apps, which never load them), dynalite for the emulator's
 * local DynamoDB, and the demo's example functions compiled to JavaScript. The emulator stays the tsc output next to
 * it: it forks its runtime files by path, and the CLI shares it with the `lambda-thermostat/emulator` export.
 */
async function bundleCli({ quiet = false } = {}) {
  const esbuild = require('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, logLevel: 'warning' };
  const emulatorDir = join(root, 'emulator');
  const cliOut = join(root, 'dist/cli/thermostat.js');
  const emulatorExternal = {
    name: 'emulator-external',
    setup(build) {
      build.onResolve({ filter: /emulator/ }, (args) => {
        if (!args.path.startsWith('.')) return undefined;
        const target = join(args.resolveDir, args.path);
        if (target !== emulatorDir && !target.startsWith(emulatorDir + sep)) return undefined;
        const built = join(root, 'dist', relative(root, target));
        return { path: `./${relative(dirname(cliOut), built).split(sep).join('/')}`, external: true };
      });
    },
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(root, 'cli/main.ts')],
    outfile: cliOut,
    // The package's own dependencies, shared with the construct and the emulator; tsx is the user's, when installed.
    external: ['yaml', 'zod', 'zod/*', 'tsx', 'tsx/*'],
    plugins: [emulatorExternal],
  });
  // dynalite loads `level` for on-disk tables, whose native module the emulator's in-memory tables never use. It
  // requires its actions by computed name, which esbuild bundles only when the name ends with the file extension.
  const dynaliteMain = require.resolve('dynalite');
  const inMemoryOnly = {
    name: 'dynalite-in-memory',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (args.path !== dynaliteMain) return undefined;
        const computed = /require\(('\.\/\w+\/' \+ action)\)/g;
        const source = readFileSync(args.path, 'utf8');
        // Its actions and their validations; any other count means dynalite changed and this needs a look.
        if (source.match(computed)?.length !== 2)
          throw new Error(`${args.path}: not the two computed requires expected`);
        return { contents: source.replace(computed, "require($1 + '.js')") };
      });
      build.onResolve({ filter: /^level$/ }, () => ({ path: 'level', namespace: 'stub' }));
      build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
        contents:
          "exports.Level = class { constructor() { throw new Error('this dynalite keeps tables in memory only'); } };",
      }));
    },
  };
  await esbuild.build({
    ...common,
    entryPoints: [dynaliteMain],
    outfile: join(root, 'dist/vendor/dynalite.js'),
    plugins: [inMemoryOnly],
  });
  // The demo runs the example functions as JavaScript once built; they require the target helper from dist/target.
  const functions = join(root, 'examples/functions');
  const entryPoints = readdirSync(functions)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(functions, file));
  await esbuild.build({ entryPoints, outdir: join(root, 'dist/examples/functions'), platform: 'node', format: 'cjs' });
  const policies = join(root, 'examples/policies');
  mkdirSync(join(root, 'dist/examples/policies'), { recursive: true });
  for (const file of readdirSync(policies)) {
    if (file.endsWith('.yaml')) copyFileSync(join(policies, file), join(root, 'dist/examples/policies', file));
  }
  if (!quiet) {
    const kib = (statSync(cliOut).size / 1024).toFixed(1);
    process.stdout.write(`bundled cli: ${cliOut} (${kib} KiB), dynalite and the demo's examples\n`);
  }
}

module.exports = { bundle, bundleCli, ENTRIES };

if (require.main === module) {
  (async () => {
    await bundle();
    await bundleCli();
  })().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exitCode = 1;
  });
}
