import { firstFreeSlot, SlotHints, WindowSlots } from './slot-hints';

describe(WindowSlots.name, () => {
  it('hands out each slot once, in order, up to the limit', () => {
    const sut = new WindowSlots(0);
    const taken = Array.from({ length: 5 }, () => sut.take(3));
    expect(taken).toEqual([1, 2, 3, undefined, undefined]);
  });

  it('hands out given-back slots first, lowest first, each once', () => {
    const sut = new WindowSlots(0);
    for (let slot = 1; slot <= 5; slot++) sut.take(5);
    sut.giveBack(4);
    sut.giveBack(2, 4);
    expect([sut.take(5), sut.take(5), sut.take(5)]).toEqual([2, 4, undefined]);
  });

  it('skips forward past taken slots, never back', () => {
    const sut = new WindowSlots(0);
    sut.skipTo(40);
    sut.skipTo(10);
    expect(sut.nextSlot).toBe(40);
    expect(sut.take(100)).toBe(40);
    sut.skipTo(101);
    expect(sut.take(100)).toBeUndefined();
  });

  it('counts hits as the highest slot known held', () => {
    const sut = new WindowSlots(0);
    sut.held(7);
    expect(sut.hitsWith(3)).toBe(7);
    expect(sut.hitsWith(9)).toBe(9);
  });
});

describe(SlotHints.name, () => {
  it('keeps one WindowSlots per key and window', () => {
    const sut = new SlotHints();
    const first = sut.of('a@0#', 1000, 0);
    expect(sut.of('a@0#', 1000, 10)).toBe(first);
    expect(sut.of('b@0#', 1000, 10)).not.toBe(first);
  });

  it('forgets windows that have ended', () => {
    const sut = new SlotHints();
    sut.of('a@0#', 1000, 0);
    sut.of('b@0#', 10 * 60_000, 0);
    sut.of('c@0#', 10 * 60_000, 2 * 60_000);
    expect(sut.size).toBe(2);
  });

  it('stays within its size by forgetting the oldest window', () => {
    const sut = new SlotHints(2);
    const oldest = sut.of('a', 1000, 0);
    sut.of('b', 1000, 0);
    sut.of('c', 1000, 0);
    expect(sut.size).toBe(2);
    expect(sut.of('a', 1000, 0)).not.toBe(oldest);
  });
});

describe('firstFreeSlot', () => {
  /** Slots 1..held taken; records the probes. */
  function probe(held: number) {
    const probes: number[] = [];
    return { probes, isTaken: async (slot: number) => (probes.push(slot), slot <= held) };
  }

  it.each([0, 1, 2, 37, 63, 64, 99, 100])('finds slot %p + 1 as the first free of 100', async (held) => {
    const { isTaken } = probe(held);
    await expect(firstFreeSlot(1, 100, isTaken)).resolves.toBe(held + 1);
  });

  it('costs one probe when the hint is right', async () => {
    const { probes, isTaken } = probe(4);
    await expect(firstFreeSlot(5, 100, isTaken)).resolves.toBe(5);
    expect(probes).toEqual([5]);
  });

  it('costs O(log limit) probes however far behind the hint is', async () => {
    const { probes, isTaken } = probe(999_000);
    await expect(firstFreeSlot(1, 1_000_000, isTaken)).resolves.toBe(999_001);
    expect(probes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1_000_000)) + 2);
  });

  it('answers limit + 1 without probing past the limit', async () => {
    const { probes, isTaken } = probe(1000);
    await expect(firstFreeSlot(1, 10, isTaken)).resolves.toBe(11);
    expect(Math.max(...probes)).toBeLessThanOrEqual(10);
    await expect(firstFreeSlot(11, 10, isTaken)).resolves.toBe(11);
  });
});
