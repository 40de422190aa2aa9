import { redactUrlCredentials } from './url-redaction';

describe(redactUrlCredentials.name, () => {
  it.each([
    ['/transactions?access_token=eyJhbGciOi.x.y', '/transactions?access_token=[redacted]'],
    ['/me?token=abc&limit=5', '/me?token=[redacted]&limit=5'],
    ['/x?password=hunter2&user=bob', '/x?password=[redacted]&user=bob'],
    [
      '/x?client_secret=s&api_key=k&apikey=k2&API-KEY=k3',
      '/x?client_secret=[redacted]&api_key=[redacted]&apikey=[redacted]&API-KEY=[redacted]',
    ],
    [
      '/x?authorization=Bearer%20t&jwt=t&id_token=t&refresh_token=t',
      '/x?authorization=[redacted]&jwt=[redacted]&id_token=[redacted]&refresh_token=[redacted]',
    ],
    ['/x?access%5Ftoken=t', '/x?access%5Ftoken=[redacted]'],
    ['/x?session=s&sig=s&key=k&passwd=p', '/x?session=[redacted]&sig=[redacted]&key=[redacted]&passwd=[redacted]'],
    ['/x?ACCESS_TOKEN=t', '/x?ACCESS_TOKEN=[redacted]'],
  ])('redacts the credential values of %s', (url, expected) => {
    expect(redactUrlCredentials(url)).toBe(expected);
  });

  it('keeps URLs without credentials exactly as sent', () => {
    for (const url of [
      '/transactions',
      '/transactions?customerId=c-1&limit=5&cursor=WzEsIngiXQ',
      '/health/ready',
      '/x?',
      '/x?flag',
    ]) {
      expect(redactUrlCredentials(url)).toBe(url);
    }
  });

  it('drops user:password@ of an absolute URL', () => {
    expect(redactUrlCredentials('http://bob:hunter2@host/x?a=1')).toBe('http://host/x?a=1');
  });
});
