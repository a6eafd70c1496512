#!/usr/bin/env node
// In a source checkout (cli/main.ts present) run the TypeScript sources through tsx, so the CLI never runs a stale
// build; an installed package ships only dist/, where the CLI is one bundled file (the AWS SDK clients it uses are
// inside, so they are not dependencies of the package).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// The AWS SDK's notice that its future versions will need a newer Node.js is for those who update the SDK; the
// copy the installed CLI bundles only changes with Thermostat (the README states the Node.js versions).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const source = join(__dirname, '..', 'cli', 'main.ts');
let cli;
if (existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(join(__dirname, '..', 'dist', 'cli', 'thermostat.js'));
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`thermostat: ${error?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
