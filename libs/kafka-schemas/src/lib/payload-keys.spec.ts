import { networkLogKey, normalizeNetworkLog, normalizeSeverity } from './network-logs/network-log.normalize';
import { NetworkLogPayload } from './network-logs/network-log.payload';
import { normalizeIp, parseTimestamp } from './normalize';
import { SocialPostPayload, socialPostKey } from './social-posts/social-post.payload';
import { TransactionPayload } from './transactions/transaction.payload';
import { validatePayload } from './validation';

describe('normalisation and natural keys', () => {
  it('parses ISO 8601 and epoch milliseconds as UTC', () => {
    expect(parseTimestamp('2026-11-24T10:00:00+02:00')?.toISOString()).toBe('2026-11-24T08:00:00.000Z');
    expect(parseTimestamp('2026-11-24 10:00:00')?.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(parseTimestamp(1764000000000)?.toISOString()).toBe('2025-11-24T16:00:00.000Z');
    expect(parseTimestamp('1764000000000')?.toISOString()).toBe('2025-11-24T16:00:00.000Z');
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp(-5)).toBeUndefined();
  });

  it('canonicalises IPv6 and IPv4-mapped addresses', () => {
    expect(normalizeIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('192.168.1.1')).toBe('192.168.1.1');
    expect(normalizeIp('999.1.1.1')).toBeUndefined();
  });

  it('maps severities to syslog names', () => {
    expect(normalizeSeverity(3)).toBe('error');
    expect(normalizeSeverity('WARN')).toBe('warning');
    expect(normalizeSeverity('crit')).toBe('critical');
  });

  it('gives a network log the same key however its fields were written', () => {
    const a = validatePayload(NetworkLogPayload, {
      timestamp: '2026-11-24T10:00:00Z',
      sourceIp: '2001:DB8::1',
      protocol: 'tcp',
      destPort: '443',
    });
    const b = validatePayload(NetworkLogPayload, {
      timestamp: Date.parse('2026-11-24T10:00:00Z'),
      sourceIp: '2001:0db8::0001',
      protocol: 'TCP',
      destPort: 443,
    });
    if (!a.ok || !b.ok) throw new Error('expected valid payloads');
    expect(networkLogKey(a.value)).toBe(networkLogKey(b.value));
    expect(networkLogKey(a.value)).toMatch(/^[0-9a-f]{40}$/);
    expect(normalizeNetworkLog(a.value)).toMatchObject({ sourceIp: '2001:db8::1', protocol: 'TCP', destPort: 443 });
  });

  it('keys a post by platform and id', () => {
    const post = validatePayload(SocialPostPayload, {
      postId: 42,
      platform: 'Twitter',
      author: 'a',
      content: 'hi',
      timestamp: '2026-11-24T10:00:00Z',
    });
    expect(post.ok && socialPostKey(post.value)).toBe('twitter:42');
  });

  it('refuses content over 10,000 characters', () => {
    const post = validatePayload(SocialPostPayload, {
      postId: '1',
      platform: 'x',
      author: 'a',
      content: 'a'.repeat(10_001),
      timestamp: '2026-11-24T10:00:00Z',
    });
    expect(post.ok).toBe(false);
  });

  it('refuses an amount with more decimals than the currency, and a bad status', () => {
    const base = { transactionId: 't', customerId: 'c', currency: 'JPY', timestamp: 0 };
    expect(validatePayload(TransactionPayload, { ...base, amount: '1.5' }).ok).toBe(false);
    expect(validatePayload(TransactionPayload, { ...base, amount: '15' }).ok).toBe(true);
    expect(validatePayload(TransactionPayload, { ...base, amount: 15, status: 'stolen' }).ok).toBe(false);
    expect(validatePayload(TransactionPayload, { ...base, amount: 15, currency: 'XYZ' }).ok).toBe(false);
  });
});
