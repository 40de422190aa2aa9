import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { WORKSPACE_ROOT } from '@datalake/testing';
import { call, newUser, sleep, token } from './support/api';
import { startStack, type Stack } from './support/stack';

/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against the
 * real services on the test Kafka and FerretDB: sign in, records ingested here appear, filter
 * and page, export, admin edit (a validation error, then success), delete, upload a file, a bad
 * record under Dead letters fixed and replayed, and a plain user without admin controls.
 * Screenshots of the overview, a record list and the dead-letter page go to docs/screenshots/.
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];
const SCREENSHOTS = join(WORKSPACE_ROOT, 'docs', 'screenshots');
const CONSOLE_INDEX = join(WORKSPACE_ROOT, 'dist', 'apps', 'console', 'index.html');

jest.setTimeout(120_000);

const tag = `console${randomBytes(3).toString('hex')}`;
let stack: Stack;
let gateway: string;
let adminToken: string;
let context: BrowserContext;
let profileDir: string;
let page: Page;

const transaction = (n: number, extra: Record<string, unknown> = {}) => ({
  transactionId: `${tag}-t${n}`,
  customerId: `${tag}-cust`,
  amount: `${n}.50`,
  currency: 'usd',
  timestamp: new Date(Date.now() - n * 1000).toISOString(),
  ...extra,
});

/** Polls `check` until it answers true (the pipeline is asynchronous: Kafka, then the consumer). */
async function eventually(description: string, check: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${description}`);
}

async function storedCount(resource: string, query: string): Promise<number> {
  const answer = await call(gateway, `/${resource}?${query}&limit=500`, { token: adminToken });
  return answer.status === 200 ? answer.body.items.length : -1;
}

/** Waits for a locator; a timeout says what the page showed instead. */
async function see(target: Page, locator: { waitFor(options?: { timeout?: number }): Promise<void> }, what: string) {
  try {
    await locator.waitFor({ timeout: 20_000 });
  } catch {
    const shown = await target
      .locator('main')
      .innerText()
      .catch(() => '(no main)');
    throw new Error(`${what} not shown; the page ends with:\n${shown.slice(-2000)}`);
  }
}

async function signIn(target: Page, username: string, password: string): Promise<void> {
  await target.goto(`${gateway}/console/`);
  await target.getByLabel('Username').fill(username);
  await target.getByLabel('Password').fill(password);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.getByRole('link', { name: 'Overview' }).waitFor();
}

beforeAll(async () => {
  if (!existsSync(CONSOLE_INDEX))
    throw new Error(`${CONSOLE_INDEX} is missing: build it first with \`npx nx build console\``);
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\``);
  // The console spends quota on every call; the default 100/hour would end this run early.
  stack = await startStack(undefined, { QUOTA_PER_HOUR: '100000' });
  gateway = stack.url('api-gateway');
  adminToken = await token(gateway, stack.admin.username, stack.admin.password);
  const ingested = await call(gateway, '/ingest/transactions', {
    token: adminToken,
    json: Array.from({ length: 30 }, (_, i) => transaction(i + 1)),
  });
  expect(ingested.body).toMatchObject({ accepted: 30, rejected: 0 });
  const posts = await call(gateway, '/ingest/social_posts', {
    token: adminToken,
    json: [
      {
        postId: `${tag}-p1`,
        platform: 'mastodon',
        author: tag,
        content: 'hello #lake',
        timestamp: new Date().toISOString(),
      },
      {
        postId: `${tag}-p2`,
        platform: 'mastodon',
        author: tag,
        content: 'second',
        timestamp: new Date().toISOString(),
      },
    ],
  });
  expect(posts.body).toMatchObject({ accepted: 2 });
  await eventually(
    '30 transactions stored',
    async () => (await storedCount('transactions', `customerId=${tag}-cust`)) === 30,
  );
  await eventually('2 posts stored', async () => (await storedCount('social-posts', `author=${tag}`)) === 2);
  profileDir = mkdtempSync(join(tmpdir(), 'datalake-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
  });
  page = await context.newPage();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await stack?.stop();
});

describe('the web console', () => {
  it('is served at /console with a self-only Content-Security-Policy and index.html for client routes', async () => {
    const index = await fetch(`${gateway}/console/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await index.text()).toContain('<div id="root">');
    const clientRoute = await fetch(`${gateway}/console/transactions`);
    expect(clientRoute.status).toBe(200);
    expect(await clientRoute.text()).toContain('<div id="root">');
    expect((await fetch(`${gateway}/console/no-such-file.js`)).status).toBe(404);
    // The API keeps its own policy (Swagger UI needs it).
    expect((await fetch(`${gateway}/health/live`)).headers.get('content-security-policy')).toContain(
      "style-src 'self' https: 'unsafe-inline'",
    );
  });

  it('signs the admin in and shows the navigation, the quota and the overview', async () => {
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await signIn(page, stack.admin.username, stack.admin.password);
    for (const name of ['Overview', 'Transactions', 'Social posts', 'Network logs', 'Dead letters', 'Users'])
      await expect(page.getByRole('link', { name, exact: true }).isVisible()).resolves.toBe(true);
    await page
      .getByTestId('quota')
      .filter({ hasText: /Quota remaining: \d+/ })
      .waitFor();
    // The overview's totals come from the stats endpoint: the 30 transactions ingested above are in them.
    const totals = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'By source' }) });
    await totals
      .getByRole('row', { name: /Transactions/ })
      .filter({ hasText: /\b\d+\b/ })
      .waitFor();
    const transactionsRow = await totals.getByRole('row', { name: /Transactions/ }).innerText();
    expect(Number(/Transactions\s+(\d+)/.exec(transactionsRow)?.[1])).toBeGreaterThanOrEqual(30);
    await page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Ingested at' }) })
      .getByRole('row')
      .nth(1)
      .waitFor();
    await see(page, page.getByRole('region', { name: 'Service health' }).getByRole('row').nth(1), 'service health');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
    // No CSP violation or script error on the way.
    expect(errors.filter((text) => /Content Security Policy|Refused/.test(text))).toEqual([]);
  });

  it('lists the ingested records with filters and "Load more" paging', async () => {
    await page.getByRole('link', { name: 'Transactions', exact: true }).click();
    await page.getByRole('heading', { name: 'Transactions' }).waitFor();
    await page.getByLabel('customerId').fill(`${tag}-cust`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table', { name: 'Transactions records' });
    await expect(table.getByRole('columnheader', { name: 'transactionId' }).isVisible()).resolves.toBe(true);
    await page.getByText('20 shown.').waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('30 shown.').waitFor();
    expect(await table.getByRole('row').count()).toBe(31);
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    await expect(table.getByRole('cell', { name: `${tag}-t30`, exact: true }).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'transactions.png'), fullPage: true });
  });

  it('exports the current filter as CSV through an authenticated download', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toContain('transactionId');
    expect(lines).toHaveLength(31);
    expect(lines.filter((line) => line.includes(`${tag}-cust`))).toHaveLength(30);
    expect(download.suggestedFilename()).toMatch(/^transactions-.*\.csv$/);
  });

  it('lets an admin edit a record: a validation error next to the field, then success; and delete it', async () => {
    const post = await call(gateway, `/social-posts?postId=${tag}-p1`, { token: adminToken });
    const id = post.body.items[0].id as string;
    await page.goto(`${gateway}/console/social-posts/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { name: /Edit/ }).waitFor();
    await page.getByLabel('likes').fill('many');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Not saved/).waitFor();
    const likes = page.getByLabel('likes');
    await expect(likes.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await likes.getAttribute('aria-describedby')) as string;
    await expect(page.locator(`#${describedBy}`).innerText()).resolves.toMatch(/likes/);
    await likes.fill('42');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const stored = await call(gateway, `/social-posts/${encodeURIComponent(id)}`, { token: adminToken });
    expect(stored.body.likes).toBe(42);

    await page.getByRole('button', { name: 'Delete record' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'Social posts', exact: true }).waitFor();
    expect((await call(gateway, `/social-posts/${encodeURIComponent(id)}`, { token: adminToken })).status).toBe(404);
  });

  it('uploads a CSV file and shows what was accepted and rejected', async () => {
    await page.getByRole('link', { name: 'Transactions', exact: true }).click();
    const csv = [
      'transactionId,customerId,amount,currency,timestamp',
      `${tag}-u1,${tag}-upload,10.00,eur,2026-11-24T10:00:00Z`,
      `${tag}-u2,${tag}-upload,not-a-number,eur,2026-11-24T10:00:00Z`,
      `${tag}-u3,${tag}-upload,"1,5",eur,2026-11-24T10:00:00Z`,
      `${tag}-u4,${tag}-upload,20.25,eur,2026-11-24T10:00:00Z`,
    ].join('\n');
    await page
      .getByLabel('File to ingest (CSV, JSON or NDJSON)')
      .setInputFiles({ name: 'upload.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await see(page, page.getByText('Accepted: 2, rejected: 2'), 'the ingestion result');
    const rejected = page.getByRole('table', { name: 'Rejected records' });
    expect(await rejected.getByRole('row').count()).toBe(3);
    await expect(rejected.getByRole('cell', { name: '2', exact: true }).count()).resolves.toBe(1);
    await eventually(
      '2 uploaded transactions stored',
      async () => (await storedCount('transactions', `customerId=${tag}-upload`)) === 2,
    );
  });

  it('shows a refused record under Dead letters; fix-and-replay stores it', async () => {
    // A file with an amount "twelve": the ingest service refuses that row to the dead-letter topic.
    const inbox = join(stack.env['INGEST_DIR'], 'transactions');
    mkdirSync(inbox, { recursive: true });
    const header = 'transactionId,customerId,amount,currency,timestamp';
    const partial = join(stack.env['INGEST_DIR'], `${tag}.partial`);
    writeFileSync(partial, `${header}\n${tag}-bad,${tag}-dlq,twelve,usd,2026-11-24T10:00:00Z\n`);
    renameSync(partial, join(inbox, `${tag}-bad.csv`));

    await page.getByRole('link', { name: 'Dead letters', exact: true }).click();
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    const table = page.getByRole('table', { name: 'Dead letters' });
    const row = table.getByRole('row').filter({ hasText: `${tag}-bad` });
    await eventually(
      'the dead letter listed',
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await sleep(700);
        return (await row.count()) === 1;
      },
      60_000,
    );
    await expect(row.innerText()).resolves.toContain('INVALID_PAYLOAD');
    await page.screenshot({ path: join(SCREENSHOTS, 'dead-letters.png'), fullPage: true });

    await row.getByRole('button', { name: /^Open / }).click();
    const payload = page.getByLabel('Payload');
    await payload.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('#dead-letter-payload') as HTMLTextAreaElement)?.value !== '',
    );
    // A refused CSV row is kept as its line of text: the fix is the record as JSON.
    const text = await payload.inputValue();
    expect(text).toContain('twelve');
    const [transactionId, customerId, , currency, timestamp] = text.trim().split(',');
    await payload.fill(JSON.stringify({ transactionId, customerId, amount: '12.00', currency, timestamp }));
    await page.getByRole('button', { name: 'Replay with fixed payload' }).click();
    await see(page, page.getByRole('status').filter({ hasText: 'Replayed 1' }), 'the replay result');
    await eventually(
      'the fixed record stored',
      async () => (await storedCount('transactions', `transactionId=${tag}-bad`)) === 1,
    );
    const stored = await call(gateway, `/transactions?transactionId=${tag}-bad`, { token: adminToken });
    expect(stored.body.items[0]).toMatchObject({ amount: '12.00', customerId: `${tag}-dlq` });
  }, 200_000);

  it('shows a plain user no admin controls', async () => {
    const user = await newUser(gateway, 'consoleuser');
    const userPage = await context.newPage();
    try {
      await signIn(userPage, user.username, user.password);
      for (const name of ['Overview', 'Transactions', 'Social posts', 'Network logs', 'Dead letters'])
        await expect(userPage.getByRole('link', { name, exact: true }).isVisible()).resolves.toBe(true);
      await expect(userPage.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
      await expect(userPage.getByRole('region', { name: 'Service health' }).count()).resolves.toBe(0);
      await userPage.getByRole('link', { name: 'Transactions', exact: true }).click();
      await userPage.getByRole('table', { name: 'Transactions records' }).getByRole('row').nth(1).waitFor();
      await expect(userPage.getByRole('region', { name: 'Upload a file' }).count()).resolves.toBe(0);
      await userPage
        .getByRole('table', { name: 'Transactions records' })
        .getByRole('row')
        .nth(1)
        .getByRole('link')
        .click();
      await userPage.getByRole('table', { name: 'Record fields' }).waitFor();
      await expect(userPage.getByRole('button', { name: 'Save' }).count()).resolves.toBe(0);
      await expect(userPage.getByRole('button', { name: 'Delete record' }).count()).resolves.toBe(0);
      await userPage.getByRole('link', { name: 'Dead letters', exact: true }).click();
      await userPage.getByText('Dead letters are shown to admins only.').waitFor();
      await expect(userPage.getByRole('button', { name: /Replay|Discard/ }).count()).resolves.toBe(0);
    } finally {
      await userPage.close();
    }
  });

  it('goes back to sign-in when the API answers 401', async () => {
    await page.evaluate(() => {
      const key = 'datalake.console.session';
      const session = JSON.parse(sessionStorage.getItem(key) as string);
      sessionStorage.setItem(key, JSON.stringify({ ...session, token: 'not-a-valid-token' }));
    });
    await page.goto(`${gateway}/console/transactions`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(page.url()).not.toContain('token');
  });
});
