import { CallBudget } from '../../../controller/aws/call-budget';
import { systemClock } from '../../../controller/clock';
import { CallTimeoutError, TimeBudgetError } from '../../../controller/errors';

/** A call that answers only when aborted, as the SDK's HTTP handler does. */
const hanging = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })));
  });

describe('CallBudget', () => {
  it('cuts a hanging call at its own timeout while the tick still has time', async () => {
    const budget = new CallBudget(50, systemClock);
    const error = await budget.run('GetFunction', hanging).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ message: 'GetFunction gave no answer within 50 ms', cause: { name: 'AbortError' } });
  });

  it('cuts it at the tick’s deadline when that comes first, and sends nothing once it has passed', async () => {
    const budget = new CallBudget(60_000, systemClock);
    budget.deadline = Date.now() + 50;
    const error = await budget.run('GetAlias', hanging).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeBudgetError);
    expect((error as Error).message).toMatch(/^GetAlias gave no answer before the tick's time budget ran out/);
    let sent = false;
    await expect(
      budget.run('GetAlias', async () => {
        sent = true;
      }),
    ).rejects.toThrow("GetAlias not sent: the tick's time budget is spent");
    expect(sent).toBe(false);
  });

  it('sends nothing after cutting a call at the deadline, even on a clock that reads a millisecond short of it', async () => {
    // the wall clock stands still a millisecond before the deadline: the timer fired, Date.now() had not caught up
    const clock = { now: () => 1_000, sleep: systemClock.sleep };
    const budget = new CallBudget(60_000, clock);
    budget.deadline = 1_020;
    expect(await budget.run('GetAlias', hanging).catch((caught: unknown) => caught)).toBeInstanceOf(TimeBudgetError);
    await expect(budget.run('GetAlias', async () => 1)).rejects.toThrow(
      "GetAlias not sent: the tick's time budget is spent",
    );
    // a new tick's deadline is a new budget
    budget.deadline = 2_000;
    expect(await budget.run('GetAlias', async () => 1)).toBe(1);
  });

  it('passes answers and other errors through untouched', async () => {
    const budget = new CallBudget(1_000, systemClock);
    expect(await budget.run('GetFunction', async () => 42)).toBe(42);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    await expect(budget.run('GetFunction', () => Promise.reject(throttled))).rejects.toBe(throttled);
  });
});
