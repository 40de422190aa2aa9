import { PartitionProgress } from './partition-progress';

describe('PartitionProgress', () => {
  let now = 0;
  const clock = () => now;
  const progress = () => new PartitionProgress(120, clock);

  beforeEach(() => (now = 1_000_000));

  it('counts seconds only while a partition has work, and resets on a commit', () => {
    const tracker = progress();
    tracker.started('t', 0, '10', 5);
    now += 30_000;
    expect(tracker.snapshot()).toEqual([
      { topic: 't', partition: 0, offset: '10', lag: 5, secondsSinceProgress: 30, stalled: false },
    ]);
    tracker.progressed('t', 0, '50');
    now += 2_000;
    expect(tracker.snapshot()[0]).toMatchObject({ offset: '50', secondsSinceProgress: 2 });
    tracker.released('t', 0, 0);
    now += 3_600_000; // idle for an hour: not a stall
    expect(tracker.snapshot()[0]).toMatchObject({ offset: null, secondsSinceProgress: 0, stalled: false });
    tracker.started('t', 0, '50', 0); // new work starts the clock afresh
    now += 1_000;
    expect(tracker.snapshot()[0].secondsSinceProgress).toBe(1);
  });

  it('reports a stall once, with the last failure as its reason, until progress resumes', () => {
    const tracker = progress();
    tracker.started('t', 1, '7', 0);
    tracker.failed('t', 1, 'MongoDB unreachable');
    now += 121_000;
    const stalls = tracker.newlyStalled();
    expect(stalls).toEqual([
      {
        topic: 't',
        partition: 1,
        offset: '7',
        lag: 0,
        secondsSinceProgress: 121,
        stalled: true,
        reason: 'MongoDB unreachable',
      },
    ]);
    now += 10_000;
    expect(tracker.newlyStalled()).toEqual([]);
    tracker.progressed('t', 1, '8');
    expect(tracker.snapshot()[0]).toMatchObject({ stalled: false, secondsSinceProgress: 0 });
    expect(tracker.snapshot()[0]).not.toHaveProperty('reason');
    now += 121_000;
    expect(tracker.newlyStalled()).toHaveLength(1); // a new stall is reported again
  });

  it('counts a partition with lag but nothing in hand', () => {
    const tracker = progress();
    tracker.started('t', 0, '0', 0);
    tracker.released('t', 0, 300);
    now += 200_000;
    expect(tracker.snapshot()[0]).toMatchObject({ offset: null, lag: 300, stalled: true });
  });

  it('forgets partitions no longer assigned', () => {
    const tracker = progress();
    tracker.started('t', 0, '0', 0);
    tracker.started('t', 1, '0', 0);
    tracker.retain([{ topic: 't', partition: 1 }]);
    expect(tracker.snapshot().map((entry) => entry.partition)).toEqual([1]);
  });
});
