import { randomBytes } from 'node:crypto';
import { GatewayEnv } from '../gateway.env';
import { Upstreams } from '../upstream/upstreams';
import { RECORD_RESOURCES } from './record-resources';

describe('RECORD_RESOURCES', () => {
  it('serves the three resources DESIGN.md names, each from its owning service', () => {
    expect(RECORD_RESOURCES.slice(0, 3).map(({ resource, upstream }) => [resource, upstream])).toEqual([
      ['network-logs', 'network-logs-consumer'],
      ['social-posts', 'social-posts-consumer'],
      ['transactions', 'transactions-consumer'],
    ]);
    expect(RECORD_RESOURCES.slice(0, 3).map(({ updateBody }) => updateBody.name)).toEqual([
      'NetworkLogUpdateDto',
      'SocialPostUpdateDto',
      'TransactionUpdateDto',
    ]);
    expect(
      RECORD_RESOURCES.slice(0, 3).map(({ singular, plural, record, page }) => [
        singular,
        plural,
        record.name,
        page.name,
      ]),
    ).toEqual([
      ['NetworkLog', 'NetworkLogs', 'NetworkLogRecordDto', 'NetworkLogPageDto'],
      ['SocialPost', 'SocialPosts', 'SocialPostRecordDto', 'SocialPostPageDto'],
      ['Transaction', 'Transactions', 'TransactionRecordDto', 'TransactionPageDto'],
    ]);
  });

  it('names only upstreams the gateway has a client for', () => {
    const upstreams = new Upstreams(
      Object.assign(new GatewayEnv(), { INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex') }),
    );
    for (const { upstream } of RECORD_RESOURCES) {
      expect({ upstream, client: upstreams.get(upstream) }).toEqual({ upstream, client: expect.anything() });
    }
  });
});
