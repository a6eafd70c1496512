import { Metrics } from '@aws-lambda-powertools/metrics';
import { createEnvironment, type ThermostatOptions, withThermostat } from '../../target';
import { emfLine, qualifierOf } from '../../target/metrics';
import { pingPayload } from '../../target/protocol';
import { emfProblems } from './helpers/emf';
import { FakeClock, fakeContext, lineSink } from './helpers/fake-clock';

function setup(initType = 'on-demand', extra: Partial<ThermostatOptions> = {}) {
  const clock = new FakeClock();
  const sink = lineSink();
  const environment = createEnvironment({
    env: { AWS_LAMBDA_LOG_STREAM_NAME: 'ls', AWS_LAMBDA_INITIALIZATION_TYPE: initType },
    now: clock.now,
  });
  const handler = jest.fn(async () => 'real');
  const wrapped = withThermostat(handler, {
    now: clock.now,
    sleep: clock.sleep,
    write: sink.write,
    environment,
    ...extra,
  });
  const documents = () => sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { clock, sink, wrapped, handler, documents, environment };
}

const realEvent = { orderId: 'o-1' };
const ping = (clock: FakeClock) =>
  pingPayload({ runId: 'r', index: 0, of: 1, holdUntil: clock.now() + 100 }) as unknown as typeof realEvent;

describe('EMF line per real invocation', () => {
  it('writes one line per real invocation and none for pings', async () => {
    const { clock, wrapped, sink } = setup();
    await wrapped(realEvent, fakeContext(clock));
    await clock.settle(wrapped(ping(clock), fakeContext(clock)));
    await wrapped(realEvent, fakeContext(clock));
    expect(sink.lines).toHaveLength(2);
  });

  it('follows the EMF specification structure', async () => {
    const { clock, wrapped, sink, documents } = setup();
    clock.advance(20);
    const at = clock.now();
    await wrapped(realEvent, fakeContext(clock, { functionName: 'orders' }));

    expect(emfProblems(sink.lines[0])).toEqual([]);
    expect(documents()[0]).toEqual({
      _aws: {
        Timestamp: at,
        CloudWatchMetrics: [
          {
            Namespace: 'Thermostat',
            Dimensions: [['FunctionName']],
            Metrics: [
              { Name: 'ColdStart', Unit: 'Count' },
              { Name: 'WarmStart', Unit: 'Count' },
            ],
          },
        ],
      },
      FunctionName: 'orders',
      ColdStart: 1,
      WarmStart: 0,
      StartKind: 'cold',
    });
  });

  it('the validator catches broken documents, so the check above can fail', () => {
    expect(emfProblems('{"_aws":{"Timestamp":"now","CloudWatchMetrics":[]}}')).toEqual([
      '_aws.Timestamp is not epoch ms',
      '_aws.CloudWatchMetrics is not a non-empty array',
    ]);
    const missingValues = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['FunctionName']], Metrics: [{ Name: 'X', Unit: 'Things' }] },
        ],
      },
    });
    expect(emfProblems(missingValues)).toEqual([
      'dimension FunctionName is not a non-empty string member of the root',
      '_aws.CloudWatchMetrics[0].Metrics[0].Unit Things is not a CloudWatch unit',
      'metric X has no numeric value at the root',
    ]);
  });

  it('counts the first real invocation cold and later ones warm', async () => {
    const { clock, wrapped, documents } = setup();
    await wrapped(realEvent, fakeContext(clock));
    await wrapped(realEvent, fakeContext(clock));
    await wrapped(realEvent, fakeContext(clock));
    expect(documents().map((d) => [d.ColdStart, d.WarmStart, d.StartKind])).toEqual([
      [1, 0, 'cold'],
      [0, 1, 'warm'],
      [0, 1, 'warm'],
    ]);
  });

  it('counts real traffic warm once a ping paid the cold start', async () => {
    const { clock, wrapped, documents } = setup();
    await clock.settle(wrapped(ping(clock), fakeContext(clock)));
    await wrapped(realEvent, fakeContext(clock));
    expect(documents().map((d) => [d.ColdStart, d.WarmStart])).toEqual([[0, 1]]);
  });

  it('counts a provisioned-concurrency environment warm from its first request', async () => {
    const { clock, wrapped, documents } = setup('provisioned-concurrency');
    await wrapped(realEvent, fakeContext(clock));
    expect(documents()[0]).toMatchObject({ ColdStart: 0, WarmStart: 1, StartKind: 'provisioned' });
  });

  it('counts a proactively initialised environment warm, and one that was just initialised cold', async () => {
    const late = setup();
    late.clock.advance(10_001);
    await late.wrapped(realEvent, fakeContext(late.clock));
    expect(late.documents()[0]).toMatchObject({ ColdStart: 0, WarmStart: 1, StartKind: 'proactive' });

    const onTime = setup();
    onTime.clock.advance(9_000);
    await onTime.wrapped(realEvent, fakeContext(onTime.clock));
    expect(onTime.documents()[0]).toMatchObject({ ColdStart: 1, StartKind: 'cold' });

    const tuned = setup('on-demand', { metrics: { proactiveInitAfterMs: 2_000 } });
    tuned.clock.advance(3_000);
    await tuned.wrapped(realEvent, fakeContext(tuned.clock));
    expect(tuned.documents()[0]).toMatchObject({ StartKind: 'proactive' });
  });

  it('counts a SnapStart restore cold, however long ago the snapshot was taken', async () => {
    const { clock, wrapped, documents } = setup('snap-start');
    clock.advance(86_400_000);
    await wrapped(realEvent, fakeContext(clock));
    expect(documents()[0]).toMatchObject({ ColdStart: 1, StartKind: 'cold' });
  });

  it('adds the optional dimensions as a second dimension set', async () => {
    const { clock, wrapped, sink, documents } = setup('on-demand', {
      metrics: { namespace: 'Shop/Warmth', dimensions: ['Qualifier', 'Version', 'InitType'] },
    });
    await wrapped(realEvent, fakeContext(clock, { functionVersion: '12' }));

    expect(emfProblems(sink.lines[0])).toEqual([]);
    const [document] = documents();
    expect(document._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: 'Shop/Warmth',
          Dimensions: [['FunctionName'], ['FunctionName', 'Qualifier', 'Version', 'InitType']],
        },
      ],
    });
    expect(document).toMatchObject({ Qualifier: 'live', Version: '12', InitType: 'on-demand' });
  });

  it('reads the qualifier from the invoked ARN', () => {
    expect(qualifierOf('arn:aws:lambda:eu-west-1:123456789012:function:orders:live')).toBe('live');
    expect(qualifierOf('arn:aws:lambda:eu-west-1:123456789012:function:orders:12')).toBe('12');
    expect(qualifierOf('arn:aws:lambda:eu-west-1:123456789012:function:orders')).toBe('$LATEST');
    expect(qualifierOf(undefined)).toBe('$LATEST');
  });

  it('keeps every optional dimension value a non-empty string', () => {
    const line = emfLine({
      timestamp: 1,
      namespace: 'Thermostat',
      dimensions: ['Qualifier', 'Version', 'InitType'],
      functionName: 'f',
      qualifier: '$LATEST',
      version: '$LATEST',
      initType: 'unknown',
      kind: 'warm',
    });
    expect(emfProblems(line)).toEqual([]);
  });

  it('writes nothing when turned off, but still counts real traffic for the proofs', async () => {
    const { clock, wrapped, sink } = setup('on-demand', { metrics: false });
    await wrapped(realEvent, fakeContext(clock));
    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock)));
    expect(sink.lines).toEqual([]);
    expect(answer).toMatchObject({ thermostat: { proof: { realServed: 1, firstInvocation: false } } });
  });

  it('never fails a real invocation because the metric line could not be written', async () => {
    const { clock, handler } = setup();
    const wrapped = withThermostat(handler, {
      now: clock.now,
      environment: createEnvironment({ now: clock.now }),
      write: () => {
        throw new Error('EPIPE');
      },
    });
    await expect(wrapped(realEvent, fakeContext(clock))).resolves.toBe('real');
  });
});

describe("relation to Powertools' captureColdStartMetric", () => {
  const saved = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  afterEach(() => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = saved;
  });

  it('writes separate metrics: Powertools counts the first request its handler sees, Thermostat the real cold start', async () => {
    // Powertools reads the init type when Metrics is created, as it would during init in Lambda.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const metrics = new Metrics({ namespace: 'Shop', serviceName: 'orders' });
    const clock = new FakeClock();
    const sink = lineSink();
    const wrapped = withThermostat(
      async () => {
        metrics.captureColdStartMetric('orders');
        return 'real';
      },
      {
        now: clock.now,
        sleep: clock.sleep,
        write: sink.write,
        environment: createEnvironment({ env: { AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }, now: clock.now }),
      },
    );
    const powertools: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      powertools.push(String(chunk));
      return true;
    });
    try {
      // The ping pays the environment's cold start; Powertools, inside the wrapper, never sees it.
      await clock.settle(wrapped(ping(clock), fakeContext(clock)));
      await wrapped(realEvent, fakeContext(clock, { functionName: 'orders' }));
      await wrapped(realEvent, fakeContext(clock, { functionName: 'orders' }));
    } finally {
      write.mockRestore();
    }

    const theirs = powertools.map((line) => JSON.parse(line));
    expect(theirs).toHaveLength(1);
    expect(emfProblems(powertools[0].trim())).toEqual([]);
    expect(theirs[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service', 'function_name']] }] },
      ColdStart: 1,
    });
    const ours = sink.lines.map((line) => JSON.parse(line));
    expect(ours.map((d) => [d.ColdStart, d.WarmStart])).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(ours[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Thermostat');
  });
});
