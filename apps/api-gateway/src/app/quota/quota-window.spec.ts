import { HOUR_MS, MINUTE_MS, secondsUntil, windowOf } from '@datalake/service-kit';
import { quotaStateOf } from './quota-window';

describe('quota windows', () => {
  const at = (iso: string) => Date.parse(iso);

  it('aligns hour windows to the UTC hour', () => {
    expect(windowOf(at('2026-11-24T10:59:59.999Z'), HOUR_MS)).toEqual({
      start: at('2026-11-24T10:00:00Z'),
      end: at('2026-11-24T11:00:00Z'),
    });
    expect(windowOf(at('2026-11-24T11:00:00.000Z'), HOUR_MS).start).toBe(at('2026-11-24T11:00:00Z'));
  });

  it('aligns minute windows to the minute', () => {
    expect(windowOf(at('2026-11-24T10:15:42.500Z'), MINUTE_MS)).toEqual({
      start: at('2026-11-24T10:15:00Z'),
      end: at('2026-11-24T10:16:00Z'),
    });
  });

  it('rounds the time left up to whole seconds, never below 1', () => {
    const end = at('2026-11-24T11:00:00Z');
    expect(secondsUntil(end, at('2026-11-24T10:00:00Z'))).toBe(3600);
    expect(secondsUntil(end, at('2026-11-24T10:59:58.200Z'))).toBe(2);
    expect(secondsUntil(end, end - 1)).toBe(1);
    expect(secondsUntil(end, end)).toBe(1);
  });

  it('reports remaining requests (never negative), seconds to reset and the reset time', () => {
    const now = at('2026-11-24T10:30:00Z');
    const window = windowOf(now, HOUR_MS);
    expect(quotaStateOf(100, 1, secondsUntil(window.end, now), window)).toEqual({
      limit: 100,
      remaining: 99,
      resetSeconds: 1800,
      resetAt: '2026-11-24T11:00:00.000Z',
    });
    expect(quotaStateOf(100, 101, 1800, window).remaining).toBe(0);
  });
});
