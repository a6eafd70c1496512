import { coldStartOf } from '../../../cli/demo/world';

const tail = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('reading cold starts from the log tail', () => {
  it('finds the Init Duration of a cold invocation in the REPORT line', () => {
    const log = [
      'START RequestId: 1 Version: 1',
      'END RequestId: 1',
      'REPORT RequestId: 1\tDuration: 3.10 ms\tBilled Duration: 4 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tInit Duration: 182.45 ms',
    ].join('\n');
    expect(coldStartOf(tail(log))).toEqual({ cold: true, initMs: 182.45 });
  });

  it('reads a warm invocation (no Init Duration) and a missing tail as warm', () => {
    expect(coldStartOf(tail('REPORT RequestId: 2\tDuration: 1.00 ms\tBilled Duration: 1 ms'))).toEqual({
      cold: false,
      initMs: 0,
    });
    expect(coldStartOf(undefined)).toEqual({ cold: false, initMs: 0 });
  });
});
