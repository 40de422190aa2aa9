import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (tools/deploy-checks/src/lib -> ../../../..). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

export function fromRoot(...parts: string[]): string {
  return join(WORKSPACE_ROOT, ...parts);
}

export function readRootFile(...parts: string[]): string {
  return readFileSync(fromRoot(...parts), 'utf8');
}

/**
 * The six deployable Nx apps, their HTTP port variable and default port, and the default of their
 * management port (/metrics, /health/*), whose variable is the port variable with _MANAGEMENT_PORT
 * (DESIGN.md, .env.example). One line per app: the record-service generator copies these lines.
 */
const SERVICE_TABLE = [
  { app: 'api-gateway', portVar: 'GATEWAY_PORT', port: 3000, management: 9000 },
  { app: 'auth-service', portVar: 'AUTH_PORT', port: 3001, management: 9001 },
  { app: 'ingest-producer-service', portVar: 'INGEST_PORT', port: 3002, management: 9002 },
  { app: 'network-logs-consumer', portVar: 'NETWORK_LOGS_PORT', port: 3011, management: 9011 },
  { app: 'social-posts-consumer', portVar: 'SOCIAL_POSTS_PORT', port: 3012, management: 9012 },
  { app: 'transactions-consumer', portVar: 'TRANSACTIONS_PORT', port: 3013, management: 9013 },
] as const;

export const SERVICES = SERVICE_TABLE.map((service) => ({
  ...service,
  managementVar: service.portVar.replace(/_PORT$/, '_MANAGEMENT_PORT'),
  managementPort: service.management,
}));

export type ServiceName = (typeof SERVICES)[number]['app'];

export const GATEWAY = 'api-gateway';
export const INGEST = 'ingest-producer-service';
export const CONSUMERS = ['network-logs-consumer', 'social-posts-consumer', 'transactions-consumer'];

export const TOPICS = ['network_logs', 'social_posts', 'transactions'];
export const ALL_TOPICS = [...TOPICS, ...TOPICS.map((topic) => `${topic}.dlq`)];

/** KEY=VALUE pairs of .env.example (comments and blank lines skipped). */
export function readEnvExample(): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readRootFile('.env.example').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) vars.set(match[1], match[2]);
  }
  return vars;
}
