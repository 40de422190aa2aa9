import { DEFAULT_CONSUMER_SETTINGS, readConsumerSettings } from './consumer-settings';

describe('readConsumerSettings', () => {
  it('defaults to a 10 s session, 1 s heartbeats and a 120 s stall time', () => {
    expect(readConsumerSettings({})).toEqual({
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      stallSeconds: 120,
    });
    expect(readConsumerSettings({})).toEqual(DEFAULT_CONSUMER_SETTINGS);
  });

  it('reads the variables', () => {
    expect(
      readConsumerSettings({
        KAFKA_SESSION_TIMEOUT_MS: '30000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '3000',
        CONSUMER_STALL_SECONDS: '60',
      }),
    ).toEqual({ sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, stallSeconds: 60 });
  });

  it.each([
    [{ KAFKA_SESSION_TIMEOUT_MS: '1000' }, /KAFKA_SESSION_TIMEOUT_MS must be an integer from 6000/],
    [{ KAFKA_SESSION_TIMEOUT_MS: 'ten' }, /KAFKA_SESSION_TIMEOUT_MS/],
    [{ KAFKA_HEARTBEAT_INTERVAL_MS: '5000' }, /at most a third of KAFKA_SESSION_TIMEOUT_MS \(10000\)/],
    [{ CONSUMER_STALL_SECONDS: '0' }, /CONSUMER_STALL_SECONDS/],
  ])('refuses %j', (env, message) => {
    expect(() => readConsumerSettings(env)).toThrow(message);
  });
});
