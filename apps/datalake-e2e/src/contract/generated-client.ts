import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../../../..');
const OPENAPI_TYPESCRIPT_CLI = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');

/**
 * A program written against the generated client, as a client developer would write it: it only
 * compiles when the OpenAPI document types these fields as the gateway returns them. It signs in,
 * lists transactions, reads one, asks for a missing one, and prints what it got as JSON.
 */
export const CALLING_PROGRAM = `import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type TransactionRecord = components['schemas']['TransactionRecordDto'];

async function main(): Promise<void> {
  const client = createClient<paths>({ baseUrl: process.env['GATEWAY_URL'] ?? '' });
  const token = await client.POST('/token', {
    body: { grant_type: 'password', username: process.env['API_USERNAME'] ?? '', password: process.env['API_PASSWORD'] ?? '' },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (!token.data) throw new Error('token: ' + token.response.status);
  const tokenType: 'bearer' = token.data.token_type;
  const expiresIn: number = token.data.expires_in;
  const auth = { authorization: 'Bearer ' + token.data.access_token };

  const page = await client.GET('/transactions', { params: { query: { customerId: process.env['CUSTOMER_ID'], limit: 2 } }, headers: auth });
  if (!page.data) throw new Error('list: ' + page.response.status);
  const items: TransactionRecord[] = page.data.items;
  const nextCursor: string | null = page.data.nextCursor;
  // @ts-expect-error the card number is never stored: a record has no such field
  void items[0].cardNumber;

  const one = await client.GET('/transactions/{id}', { params: { path: { id: items[0].id } }, headers: auth });
  if (!one.data) throw new Error('get: ' + one.response.status);
  const record: TransactionRecord = one.data;
  const amount: string = record.amount;
  const amountMinor: number = record.amountMinor;
  const status: 'pending' | 'completed' | 'failed' | 'refunded' = record.status;
  const sourceKind: 'http' | 'file' | 'sqlite' | 'syslog' | 'kafka' = record.source.kind;
  const riskFlags: string[] = record.riskFlags;
  const cardLast4: string | undefined = record.cardLast4;

  const missing = await client.GET('/transactions/{id}', { params: { path: { id: 'no-such-record' } }, headers: auth });
  const detail: string | undefined = missing.error?.detail;
  const statusCode: number | undefined = missing.error?.statusCode;

  console.log(JSON.stringify({
    tokenType, expiresIn, count: items.length, nextCursor, link: page.response.headers.get('link'),
    record, amount, amountMinor, status, sourceKind, riskFlags, cardLast4,
    missing: { status: missing.response.status, contentType: missing.response.headers.get('content-type'), detail, statusCode },
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

export interface GeneratedClient {
  dir: string;
  /** TypeScript's complaints about the generated types and the calling program; empty = it compiles. */
  diagnostics: string[];
  run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string };
}

/**
 * Generates TypeScript types from an OpenAPI document with openapi-typescript (a standard generator),
 * compiles the calling program against them and openapi-fetch with strict TypeScript, and runs it.
 */
export function generateClient(openApiDocument: object): GeneratedClient {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp', 'contract-client-'));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(openApiDocument, null, 2));
  // The generator's own command line, as a client developer runs it (it is an ES module: not for Jest's loader).
  const generated = spawnSync(
    process.execPath,
    [OPENAPI_TYPESCRIPT_CLI, join(dir, 'openapi.json'), '--output', join(dir, 'schema.ts')],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (generated.status !== 0) throw new Error(`openapi-typescript failed: ${generated.stderr}`);
  writeFileSync(join(dir, 'client.ts'), CALLING_PROGRAM);

  const program = ts.createProgram([join(dir, 'client.ts')], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: ['node'],
    esModuleInterop: true,
    outDir: join(dir, 'out'),
  });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map(
    (diagnostic) =>
      ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') +
      (diagnostic.file ? ` (${diagnostic.file.fileName})` : ''),
  );
  return {
    dir,
    diagnostics,
    run: (env) => {
      const result = spawnSync(process.execPath, [join(dir, 'out', 'client.js')], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
