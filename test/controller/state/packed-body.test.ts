import { deflateRawSync } from 'node:zlib';
import { MAX_PACKED_BYTES, packBody, unpackBody } from '../../../controller/state/packed-body';

describe('packBody and unpackBody', () => {
  it('round-trip the parts present, leave absent ones out, and shrink repetitive JSON', () => {
    const traffic = {
      at: 1,
      environments: Array.from({ length: 4 }, (_, i) => ({ envId: `2026/11/23/[$LATEST]${i}`, ratePerMinute: 0 })),
      idleTimes: [60_000, 61_000, 59_000],
    };
    const packed = packBody({ history: [], traffic, settled: undefined });
    expect(unpackBody(packed)).toEqual({ parts: { history: [], traffic } });
    expect(packed.byteLength).toBeLessThan(JSON.stringify({ history: [], traffic }).length / 2);
  });

  it('keep only the parts they know of', () => {
    expect(unpackBody(deflateRawSync(JSON.stringify({ facts: { at: 1 }, extra: 'x' })))).toEqual({
      parts: { facts: { at: 1 } },
    });
  });

  it('refuse a body that would inflate beyond MAX_PACKED_BYTES without inflating it all', () => {
    const exact = deflateRawSync(JSON.stringify({ history: 'x'.repeat(MAX_PACKED_BYTES - 20) }));
    expect(unpackBody(exact)).toHaveProperty('parts');
    const over = deflateRawSync(Buffer.alloc(MAX_PACKED_BYTES + 1, 32));
    expect(unpackBody(over)).toEqual({ problem: 'larger than 256 KiB inflated' });
  });
});
