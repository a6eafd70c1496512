import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// The layer rules live in biome.json (`npm run lint`, a CI step). This test keeps them honest: a copy of the
// repository's configuration lints a few files in the same folders, each importing across a layer boundary, and
// must reject exactly the imports that break a rule and accept the ones that do not.
const root = join(__dirname, '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

interface Case {
  readonly file: string;
  readonly source: string;
  /** 1-based lines biome must report; every other line must pass. */
  readonly rejected: readonly number[];
}

const cases: readonly Case[] = [
  {
    file: 'controller/plan/violation.ts',
    source: [
      "import { readFileSync } from 'node:fs';",
      "import { LambdaClient } from '@aws-sdk/client-lambda';",
      "import { loadPolicySet } from '../policy/load';",
      "import { sdkDynamo } from '../aws/sdk';",
      "import { costOfPings } from '../cost';",
      "import { BUILTIN_DEFAULTS } from '../policy/core';",
      "import { EMPTY_TRAFFIC } from './observed';",
      "export const net = require('node:net');",
      'export const all = [readFileSync, LambdaClient, loadPolicySet, sdkDynamo, costOfPings, BUILTIN_DEFAULTS, EMPTY_TRAFFIC];',
    ].join('\n'),
    rejected: [1, 2, 3, 4, 8],
  },
  {
    file: 'controller/cost/violation.ts',
    source: [
      "import { request } from 'node:http';",
      "import { z } from 'zod';",
      "import { PRICES } from './prices';",
      'export const all = [request, z, PRICES];',
    ].join('\n'),
    rejected: [1, 2],
  },
  {
    file: 'construct/violation.ts',
    source: [
      "import { run } from '../controller/run';",
      "import { METRIC_NAMESPACE } from '../controller/contract';",
      "import { parsePolicySource } from '../controller/policy';",
      "import { Stack } from 'aws-cdk-lib';",
      "import * as iam from 'aws-cdk-lib/aws-iam';",
      "import { Construct } from 'constructs';",
      "import { NagSuppressions } from 'cdk-nag';",
      "import { readFileSync } from 'node:fs';",
      "import { LambdaClient } from '@aws-sdk/client-lambda';",
      "import { startEmulator } from '../emulator';",
      "import { STATE_TABLE } from '../controller/contract/state-table';",
      'export const all = [run, METRIC_NAMESPACE, parsePolicySource, Stack, iam, Construct, NagSuppressions];',
      'export const more = [readFileSync, LambdaClient, startEmulator, STATE_TABLE];',
    ].join('\n'),
    rejected: [1, 9, 10, 11],
  },
  {
    file: 'target/violation.ts',
    source: [
      "import { functionName } from '../controller/policy/function-name';",
      "import { withThermostat } from 'lambda-thermostat/target';",
      "import { recognise } from './recognise';",
      'export const all = [functionName, withThermostat, recognise];',
    ].join('\n'),
    rejected: [1, 2],
  },
  {
    file: 'cli/commands/violation.ts',
    source: [
      "import { handler } from '../../controller/handler';",
      "import { wireDeps } from '../../controller/wiring';",
      "export const entry = require('../../controller/handler');",
      'export const all = [handler, wireDeps];',
    ].join('\n'),
    rejected: [1, 3],
  },
];

/** `path:line` of every diagnostic biome prints for the files under `dir`. */
function lint(dir: string): string[] {
  const result = spawnSync(biome, ['lint', '--max-diagnostics=none', '--colors=off', '.'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.error) throw result.error;
  return [...output.matchAll(/^(\S+\.ts):(\d+):\d+ lint\/style\/noRestricted/gm)].map(
    ([, file, line]) => `${file}:${line}`,
  );
}

describe('layer rules (biome.json)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-layers-'));
    const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
    // the copy is not a git checkout and has no node_modules to resolve the schema from
    delete config.$schema;
    config.vcs = { enabled: false };
    writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
    for (const { file, source } of cases) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      writeFileSync(join(dir, file), `${source}\n`);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reject imports across a layer boundary, and only those', () => {
    const expected = cases.flatMap(({ file, rejected }) => rejected.map((line) => `${file}:${line}`));
    expect([...new Set(lint(dir))].sort()).toEqual(expected.sort());
  });
});
