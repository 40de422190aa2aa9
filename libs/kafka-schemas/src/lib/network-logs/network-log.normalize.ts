import { createHash } from 'node:crypto';
import { normalizeIp, parseTimestamp } from '../normalize';
import type { NetworkLogPayload } from './network-log.payload';

export const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SEVERITY_ALIASES: Readonly<Record<string, Severity>> = {
  emerg: 'emergency',
  panic: 'emergency',
  fatal: 'critical',
  crit: 'critical',
  err: 'error',
  warn: 'warning',
  information: 'info',
  informational: 'info',
  trace: 'debug',
};

/** Maps a syslog severity number or name (and common aliases) to its canonical name. */
export function normalizeSeverity(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? SEVERITIES[value] : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const name = value.trim().toLowerCase();
  if (/^[0-7]$/.test(name)) return SEVERITIES[Number(name)];
  return (SEVERITIES as readonly string[]).includes(name) ? name : (SEVERITY_ALIASES[name] ?? name);
}

/** The normalised fields of a network log: what is hashed into its key and what is stored. */
export interface NormalizedNetworkLog {
  timestamp: Date;
  sourceIp: string;
  destIp?: string;
  sourcePort?: number;
  destPort?: number;
  protocol?: string;
  action?: string;
  bytes?: number;
  host?: string;
  severity?: string;
  facility?: string;
  app?: string;
  message?: string;
}

/** Normalises a validated payload: UTC timestamp, canonical IPs, PROTOCOL, action, severity name. */
export function normalizeNetworkLog(payload: NetworkLogPayload): NormalizedNetworkLog {
  const timestamp = parseTimestamp(payload.timestamp);
  const sourceIp = normalizeIp(payload.sourceIp);
  if (!timestamp || !sourceIp) throw new Error('network log has no valid timestamp or sourceIp');
  const normalized: NormalizedNetworkLog = {
    timestamp,
    sourceIp,
    destIp: normalizeIp(payload.destIp),
    sourcePort: payload.sourcePort,
    destPort: payload.destPort,
    protocol: payload.protocol?.toUpperCase(),
    action: payload.action?.toLowerCase(),
    bytes: payload.bytes,
    host: payload.host?.toLowerCase(),
    severity: normalizeSeverity(payload.severity),
    facility: payload.facility?.toLowerCase(),
    app: payload.app,
    message: payload.message,
  };
  for (const key of Object.keys(normalized) as (keyof NormalizedNetworkLog)[]) {
    if (normalized[key] === undefined) delete normalized[key];
  }
  return normalized;
}

/** Natural key: a hash of the normalised fields, so the same log line always maps to one record. */
export function networkLogKey(payload: NetworkLogPayload): string {
  const normalized = normalizeNetworkLog(payload);
  const canonical = JSON.stringify(
    Object.keys(normalized)
      .sort()
      .map((key) => {
        const value = normalized[key as keyof NormalizedNetworkLog];
        return [key, value instanceof Date ? value.toISOString() : value];
      }),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 40);
}
