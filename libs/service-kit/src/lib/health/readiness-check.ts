/**
 * One dependency a service needs before it can serve: `check` rejects when it is not reachable. It
 * may resolve to details shown under its name in `/health/ready` (e.g. per-partition progress).
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void | Record<string, unknown>>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
