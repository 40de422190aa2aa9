import { Inject, Injectable } from '@nestjs/common';
import type { ServiceHealthDto } from '@datalake/dto';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { readinessUrls } from './readiness-urls';

/** Longest readiness report kept in `details` (a service's report is small; a hostile one is cut). */
const MAX_REPORT_CHARS = 16_384;

export type ReadinessProbe = (url: string, timeoutMs: number) => Promise<{ status: number; text: string }>;

/** GET with a deadline covering the whole answer. */
export const fetchReadiness: ReadinessProbe = async (url, timeoutMs) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  return { status: response.status, text: await response.text() };
};

/** One service's state from its readiness answer: 200 is up, anything else (or no answer) down. */
export async function checkService(
  name: string,
  url: string,
  timeoutMs: number,
  probe: ReadinessProbe = fetchReadiness,
  now: () => Date = () => new Date(),
): Promise<ServiceHealthDto> {
  try {
    const answer = await probe(url, timeoutMs);
    const checkedAt = now().toISOString();
    const status = answer.status === 200 ? 'up' : 'down';
    let report: unknown;
    try {
      report = answer.text.length <= MAX_REPORT_CHARS ? (JSON.parse(answer.text) as unknown) : undefined;
    } catch {
      report = undefined;
    }
    const details: Record<string, unknown> =
      report && typeof report === 'object' && !Array.isArray(report)
        ? { httpStatus: answer.status, ...(report as Record<string, unknown>) }
        : { httpStatus: answer.status };
    return { name, status, checkedAt, details };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : `${(error as Error).message}${(error as { cause?: { code?: string } }).cause?.code ? ` (${(error as { cause: { code: string } }).cause.code})` : ''}`;
    return { name, status: 'down', checkedAt: now().toISOString(), details: { error: reason.slice(0, 500) } };
  }
}

/** Asks every upstream's readiness at once, each within SERVICE_HEALTH_TIMEOUT_MS. */
@Injectable()
export class ServiceHealth {
  private readonly urls: Record<string, string>;
  private readonly timeoutMs: number;
  probe: ReadinessProbe = fetchReadiness;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.urls = readinessUrls(env);
    this.timeoutMs = env.SERVICE_HEALTH_TIMEOUT_MS;
  }

  async check(): Promise<ServiceHealthDto[]> {
    return Promise.all(
      Object.entries(this.urls).map(([name, url]) => checkService(name, url, this.timeoutMs, this.probe)),
    );
  }
}
