import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * The shipped artifact end to end: the esbuild bundle (built by the test global setup from controller/handler.ts)
 * runs as a function inside the emulator, with the environment the construct gives it (its default 50 s timeout,
 * THERMOSTAT_TARGETS mapping each policy to a CloudFormation-generated function name), and is invoked the way the
 * schedule invokes it. Lambda is also the engine for sharding: the controller invokes itself asynchronously, by
 * the name Lambda gives it in AWS_LAMBDA_FUNCTION_NAME.
 */
const BUNDLE = join(__dirname, '..', '..', '..', 'dist', 'assets', 'controller', 'index.js');
const targets = ['t1', 't2', 't3', 't4', 't5'];
const deployed = (name: string) => `Stack-${name.toUpperCase()}-8K2J4H`;

let harness: Harness;
let dir: string;
let lambda: LambdaClient;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thermostat-handler-'));
  const policyFile = join(dir, 'policies.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      // Three controller processes start at once on CI's two cores: a hold of a second keeps each round overlapping.
      defaults: { warm: { concurrency: 2, holdMs: 1_000 } },
      policies: targets.map((name) => ({ function: name, qualifier: 'live' })),
    }),
  );
  harness = await startHarness({
    environment: 'light',
    controlPlaneRps: 500,
    functions: [
      ...targets.map((name) => ({
        name: deployed(name),
        handler: WARM_TARGET,
        versions: { '1': {} },
        aliases: { live: '1' },
      })),
    ],
  });
  // The construct passes the table's name the same way (environment).
  harness.emulator.registerFunction({
    name: 'controller',
    handler: BUNDLE,
    environment: 'process',
    memoryMb: 512,
    timeoutMs: 50_000,
    env: {
      THERMOSTAT_TABLE: harness.table,
      THERMOSTAT_POLICY_FILE: policyFile,
      THERMOSTAT_TARGETS: JSON.stringify(
        Object.fromEntries(
          targets.map((name) => [
            `${name}:live`,
            `arn:aws:lambda:${harness.emulator.region}:${harness.emulator.accountId}:function:${deployed(name)}:live`,
          ]),
        ),
      ),
      THERMOSTAT_EVENT_BUS: 'thermostat',
      THERMOSTAT_SHARD_SIZE: '2',
      // Per-target metrics are opt-in (each Target value is a billed custom metric).
      THERMOSTAT_DETAILED_METRICS: 't1:live',
      POWERTOOLS_SERVICE_NAME: 'thermostat-e2e',
    },
  });
  lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  lambda?.destroy();
  await harness?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('the bundled handler runs a sharded tick: three invocations of itself warm all five targets', async () => {
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: 'controller',
      Payload: Buffer.from(JSON.stringify({ 'detail-type': 'Scheduled Event', time: '2026-11-23T10:00:00Z' })),
    }),
  );
  expect(response.FunctionError).toBeUndefined();
  const report = JSON.parse(Buffer.from(response.Payload!).toString());
  expect(report).toMatchObject({ status: 'completed', tickId: '2026-11-23T10:00:00Z', shard: { index: 0, of: 3 } });
  expect(report.shards).toEqual({ dispatched: 2, failed: [] });
  expect(report.policies).toMatchObject({ total: 5, inShard: 2, issues: [] });

  await harness.emulator.settle();
  // Every target was warmed by one of the three shards, each exactly once.
  for (const name of targets) expect(harness.emulator.environments(deployed(name))).toHaveLength(2);
  const items = await harness.dynamo.send(new ScanCommand({ TableName: harness.table }));
  // Each shard's tick is done: its own ping ledger, saved last thing in the tick (the quiet times a shard keeps there
  // change on its first tick), names the run that claimed it; no write marks a claim done.
  const claims = (items.Items ?? []).filter((item) => item.pk.S?.startsWith('tick#'));
  const ledgers = new Map(
    (items.Items ?? []).filter((item) => item.pk.S?.startsWith('pings#')).map((item) => [item.pk.S, item]),
  );
  const done = claims.map((item) => {
    const shard = item.pk.S!.split('#')[2];
    const ledger = ledgers.get(`pings#${shard}`);
    const byLedger = ledger?.lastTick?.S === '2026-11-23T10:00:00Z' && ledger.completedBy?.S === item.runId?.S;
    return [item.pk.S, item.status.S === 'running' && byLedger];
  });
  expect(done.sort()).toEqual([
    ['tick#2026-11-23T10:00:00Z#0/3', true],
    ['tick#2026-11-23T10:00:00Z#1/3', true],
    ['tick#2026-11-23T10:00:00Z#2/3', true],
  ]);
  // Each shard keeps its targets' quiet times (nothing due until their next round) in its ledger.
  expect([...ledgers.values()].filter((ledger) => ledger.quiet?.S !== undefined)).toHaveLength(3);
  const summaries = harness.emulator.events().filter((event) => event.detailType === 'Thermostat Tick Summary');
  expect(summaries).toHaveLength(3);

  // Powertools: each target's outcome with the run id as correlation id (a routine round is an entry of its
  // shard's `tick done` line, any other a `target done` line of its own), and EMF metrics.
  const lines = harness.emulator.logs({ functionName: 'controller', limit: 500 }).map((line) => line.text);
  const outcomes = lines.flatMap((text) => {
    try {
      const parsed = JSON.parse(text);
      if (parsed.message === 'target done') return [{ target: parsed.target, runId: parsed.correlation_id }];
      if (parsed.message !== 'tick done') return [];
      return Object.keys(parsed.warmed ?? {}).map((target) => ({ target, runId: parsed.correlation_id }));
    } catch {
      return [];
    }
  });
  expect(outcomes.map((outcome) => outcome.target).sort()).toEqual(
    targets.map((name) => `${deployed(name)}:live`).sort(),
  );
  expect(outcomes.filter((outcome) => outcome.runId === report.runId)).toHaveLength(2);
  const emf = lines.filter((text) => text.includes('"_aws"') && text.includes('"Thermostat"'));
  const dimension = `${deployed('t1')}:live`;
  expect(
    emf.some((text) => text.includes(`"Target":"${dimension}"`) || text.includes(`"Target": "${dimension}"`)),
  ).toBe(true);

  // A second delivery of the same schedule is a duplicate; nothing is invoked again.
  const again = await lambda.send(
    new InvokeCommand({
      FunctionName: 'controller',
      Payload: Buffer.from(JSON.stringify({ 'detail-type': 'Scheduled Event', time: '2026-11-23T10:00:00Z' })),
    }),
  );
  expect(JSON.parse(Buffer.from(again.Payload!).toString()).status).toBe('duplicate');

  // A minute on, every target is quiet (its next round is 5 minutes after the last): the root runs the other shards
  // itself, reading their ledgers and no target item, instead of starting two invocations for nothing.
  const quietTick = await lambda.send(
    new InvokeCommand({
      FunctionName: 'controller',
      Payload: Buffer.from(JSON.stringify({ 'detail-type': 'Scheduled Event', time: '2026-11-23T10:01:00Z' })),
    }),
  );
  const quiet = JSON.parse(Buffer.from(quietTick.Payload!).toString());
  expect(quiet).toMatchObject({ status: 'completed', shard: { index: 0, of: 3 } });
  expect(quiet.shards).toEqual({ dispatched: 0, failed: [], ranHere: [1, 2] });
  expect(quiet.targets).toHaveLength(5);
  expect(quiet.totals.pingsSent).toBe(0);
  for (const target of quiet.targets) expect(target.decisions[0].reason).toMatch(/neither read nor planned/);
  await harness.emulator.settle();
  const after = await harness.dynamo.send(new ScanCommand({ TableName: harness.table }));
  const quietClaims = (after.Items ?? []).filter((item) => item.pk.S?.startsWith('tick#2026-11-23T10:01:00Z'));
  expect(quietClaims.map((item) => item.pk.S)).toEqual(['tick#2026-11-23T10:01:00Z#0/3']);
});
