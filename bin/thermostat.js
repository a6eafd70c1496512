#!/usr/bin/env node
// In a source checkout (cli/main.ts present) run the TypeScript sources through tsx, so the CLI never runs a stale
// build; an installed package ships only dist/, which runs as plain JavaScript.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'cli', 'main.ts');
let cli;
if (existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(join(__dirname, '..', 'dist', 'cli', 'main.js'));
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
