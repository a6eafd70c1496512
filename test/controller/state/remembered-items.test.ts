import {
  EAGER_TAKEOVER_TARGETS,
  LONGEST_RUN_MS,
  REMEMBER_AT_MOST_MS,
  RememberedItems,
} from '../../../controller/state';

describe('RememberedItems', () => {
  const at = Date.parse('2026-11-23T10:00:00Z');

  it('trusts what it read only while the mark is its own and a full read came after the last takeover', () => {
    const memory = new RememberedItems<number>('env-a');
    memory.read(['a', 'b'], new Map([['a', 1]]), at, true);
    // The mark is someone else's: nothing stands in for the table.
    memory.sawMark('env-b');
    expect(memory.trusts(at + 1)).toBe(false);
    memory.wroteMark(at + 2);
    // A run that read the mark just before the takeover may still be saving: not before a read after its end.
    expect(memory.trusts(at + 3)).toBe(false);
    memory.read(['a', 'b'], new Map([['a', 1]]), at + LONGEST_RUN_MS - 1, true);
    expect(memory.trusts(at + LONGEST_RUN_MS)).toBe(false);
    memory.read(['a', 'b'], new Map([['a', 1]]), at + 2 + LONGEST_RUN_MS, true);
    expect(memory.trusts(at + 3 + LONGEST_RUN_MS)).toBe(true);
    expect(memory.trusts(at + 3 + LONGEST_RUN_MS, 'env-b')).toBe(false);
    expect(memory.trusts(at + 3 + LONGEST_RUN_MS, 'shared')).toBe(false);
    // Never longer than REMEMBER_AT_MOST_MS after the last full read.
    expect(memory.trusts(at + 2 + LONGEST_RUN_MS + REMEMBER_AT_MOST_MS)).toBe(false);
  });

  it('recalls remembered items and known absences, and names the keys it has to read', () => {
    const memory = new RememberedItems<number>('env-a');
    memory.read(['a', 'b', 'c'], new Map([['a', 1]]), at, true);
    memory.saved('b', 2);
    memory.forget('a');
    const { found, missing } = memory.recall(['a', 'b', 'c', 'd']);
    expect([...found]).toEqual([['b', 2]]);
    expect(missing).toEqual(['a', 'd']);
  });

  it('does not remember an unsettled item, and forgets everything when a tick is split', () => {
    const memory = new RememberedItems<number>('env-a');
    memory.wroteMark(at);
    memory.read(
      ['a', 'b'],
      new Map([
        ['a', -1],
        ['b', 2],
      ]),
      at + LONGEST_RUN_MS,
      true,
      (item) => item < 0,
    );
    expect(memory.recall(['a', 'b']).missing).toEqual(['a']);
    expect(memory.trusts(at + LONGEST_RUN_MS + 1)).toBe(true);
    memory.forgetAll();
    expect(memory.trusts(at + LONGEST_RUN_MS + 2)).toBe(false);
    expect(memory.recall(['a', 'b']).missing).toEqual(['a', 'b']);
  });

  it('gives every environment its own id', () => {
    expect(new RememberedItems().id).not.toBe(new RememberedItems().id);
  });

  it('takes the mark over early only from its second tick and when the reads it saves cost more than the write', () => {
    const memory = new RememberedItems<number>('env-a');
    memory.tickStarted();
    expect(memory.takesOverEarly(1_000)).toBe(false);
    memory.tickStarted();
    expect(memory.takesOverEarly(EAGER_TAKEOVER_TARGETS)).toBe(true);
    expect(memory.takesOverEarly(EAGER_TAKEOVER_TARGETS - 1)).toBe(false);
    // a write unit is five read units; an item under 4 KB read eventually consistent, half a unit
    expect(EAGER_TAKEOVER_TARGETS).toBe(10);
  });
});
