import { classifyError, classifyResponse } from '../../../controller/ping/outcome';
import { sdkError } from '../../fixtures/controller/fake-lambda';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const proof = (runId: string) => ({
  thermostat: {
    v: 1,
    proof: {
      envId: '2026/11/23/[$LATEST]abc',
      firstInvocation: true,
      initAt: 1,
      initDurationMs: 80,
      initType: 'on-demand',
      pingsServed: 1,
      realServed: 0,
      lastRealRequestAt: null,
      heldMs: 250,
      runId,
      index: 0,
      functionName: 'api',
      functionVersion: '3',
    },
  },
});

describe('classifyResponse', () => {
  it('accepts a valid proof of this round', () => {
    const outcome = classifyResponse({ StatusCode: 200, ExecutedVersion: '3', Payload: json(proof('r1')) }, true, 'r1');
    expect(outcome).toMatchObject({ kind: 'ok', executedVersion: '3', proof: { envId: '2026/11/23/[$LATEST]abc' } });
  });

  it('never counts a function error as success, even with HTTP 200', () => {
    const outcome = classifyResponse(
      {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: json({ errorType: 'TypeError', errorMessage: 'x is undefined' }),
      },
      true,
      'r1',
    );
    expect(outcome).toEqual({ kind: 'function-error', errorType: 'TypeError', message: 'x is undefined' });
  });

  it('reports a function that ran past its timeout as timed out', () => {
    const outcome = classifyResponse(
      {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: json({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' }),
      },
      true,
      'r1',
    );
    expect(outcome.kind).toBe('timed-out');
  });

  it('rejects answers that are not a proof of this round', () => {
    expect(classifyResponse({ StatusCode: 200, Payload: json({ ok: true }) }, true, 'r1')).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('withThermostat'),
    });
    expect(classifyResponse({ StatusCode: 200, Payload: json(proof('r0')) }, true, 'r1')).toMatchObject({
      kind: 'invalid-response',
      message: 'the proof belongs to run r0, not r1',
    });
    expect(classifyResponse({ StatusCode: 200, Payload: Buffer.from('not json') }, true, 'r1').kind).toBe(
      'invalid-response',
    );
  });

  it('accepts any answer when no proof is possible', () => {
    expect(classifyResponse({ StatusCode: 200, Payload: json('warmed') }, false, 'r1')).toEqual({ kind: 'ok' });
  });
});

describe('classifyError', () => {
  it('classifies throttles with their reason and Retry-After', () => {
    const error = sdkError('TooManyRequestsException', 'Rate Exceeded.', {
      Reason: 'ConcurrentInvocationLimitExceeded',
      retryAfterSeconds: '2',
    });
    expect(classifyError(error)).toEqual({
      kind: 'throttled',
      reason: 'ConcurrentInvocationLimitExceeded',
      retryAfterMs: 2000,
    });
  });

  it('classifies missing functions, timeouts, transient and permanent errors', () => {
    expect(classifyError(sdkError('ResourceNotFoundException', 'Function not found', {}, 404)).kind).toBe('not-found');
    expect(classifyError(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind).toBe('timed-out');
    expect(classifyError(Object.assign(new Error('socket'), { code: 'ETIMEDOUT' })).kind).toBe('timed-out');
    expect(classifyError(sdkError('ServiceException', 'oops', {}, 500))).toMatchObject({
      kind: 'error',
      retryable: true,
    });
    expect(classifyError(sdkError('AccessDeniedException', 'no', {}, 403))).toMatchObject({
      kind: 'error',
      name: 'AccessDeniedException',
      retryable: false,
    });
  });
});
