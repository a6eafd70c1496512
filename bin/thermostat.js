#!/usr/bin/env node

// Runs the compiled CLI; in a source checkout that has not been built, runs the TypeScript through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
if (existsSync(built)) {
  cli = require(built);
} else {
  require('tsx/cjs');
  cli = require(join(__dirname, '..', 'cli', 'main.ts'));
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
