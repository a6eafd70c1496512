import { mapLimit, WeightedSemaphore } from '../../controller/concurrency';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (value) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('handles an empty list', async () => {
    await expect(mapLimit([], 4, async () => 1)).resolves.toEqual([]);
  });
});

describe('WeightedSemaphore', () => {
  it('grants permits in FIFO order and never more than its capacity', async () => {
    const semaphore = new WeightedSemaphore(10);
    const order: string[] = [];
    expect(await semaphore.acquire(6)).toBe(6);
    const big = semaphore.acquire(8).then(() => order.push('big'));
    const small = semaphore.acquire(1).then(() => order.push('small'));
    await Promise.resolve();
    // The small request waits behind the big one (no overtaking, so big rounds are not starved).
    expect(order).toEqual([]);
    semaphore.release(6);
    await big;
    await small;
    expect(order).toEqual(['big', 'small']);
    expect(semaphore.inUse).toBe(9);
  });

  it('clamps a request larger than the capacity', async () => {
    const semaphore = new WeightedSemaphore(5);
    expect(await semaphore.acquire(50)).toBe(5);
    semaphore.release(5);
    expect(semaphore.inUse).toBe(0);
  });
});
