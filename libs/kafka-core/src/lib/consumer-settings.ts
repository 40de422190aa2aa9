/**
 * Group-membership and stall settings of a batch consumer, read from the environment with
 * documented defaults (README "Consumer settings").
 */
export interface ConsumerSettings {
  /**
   * KAFKA_SESSION_TIMEOUT_MS: how long the broker waits for a heartbeat before it gives a silent
   * member's partitions to others; also how long a consumer restarted after `kill -9` waits for its
   * dead predecessor to be dropped. Default 10 s (the broker accepts 6 s to 300 s by default).
   */
  sessionTimeoutMs: number;
  /** KAFKA_HEARTBEAT_INTERVAL_MS: heartbeat period, at most a third of the session. Default 1 s. */
  heartbeatIntervalMs: number;
  /** CONSUMER_STALL_SECONDS: no progress on a partition for longer than this is a stall. Default 120. */
  stallSeconds: number;
}

export const DEFAULT_CONSUMER_SETTINGS: ConsumerSettings = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  stallSeconds: 120,
};

/** Broker defaults group.min.session.timeout.ms and group.max.session.timeout.ms. */
const SESSION_RANGE = { min: 6_000, max: 300_000 };

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads and checks the settings; throws a message naming the variable when one is wrong. */
export function readConsumerSettings(env: NodeJS.ProcessEnv = process.env): ConsumerSettings {
  const sessionTimeoutMs = integer(
    env,
    'KAFKA_SESSION_TIMEOUT_MS',
    DEFAULT_CONSUMER_SETTINGS.sessionTimeoutMs,
    SESSION_RANGE.min,
    SESSION_RANGE.max,
  );
  const heartbeatIntervalMs = integer(
    env,
    'KAFKA_HEARTBEAT_INTERVAL_MS',
    DEFAULT_CONSUMER_SETTINGS.heartbeatIntervalMs,
    100,
    100_000,
  );
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new Error(
      `KAFKA_HEARTBEAT_INTERVAL_MS (${heartbeatIntervalMs}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${sessionTimeoutMs})`,
    );
  }
  const stallSeconds = integer(env, 'CONSUMER_STALL_SECONDS', DEFAULT_CONSUMER_SETTINGS.stallSeconds, 5, 86_400);
  return { sessionTimeoutMs, heartbeatIntervalMs, stallSeconds };
}
