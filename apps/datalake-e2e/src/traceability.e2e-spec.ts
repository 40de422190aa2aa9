import { waitFor } from '@datalake/testing';
import { call, newUser, token } from './support/api';
import { startStack, type Stack } from './support/stack';

/**
 * One ingested record followed by its correlation id from the gateway through the producer to its
 * consumer, and the logs of the whole run checked for credentials and card numbers.
 */
describe('logs: traceable, and free of secrets (whole stack)', () => {
  let stack: Stack;
  let gateway: string;
  const cardNumber = '4111 1111 1111 1111';
  const requestId = `trace-${Date.now()}`;

  beforeAll(async () => {
    stack = await startStack();
    gateway = stack.url('api-gateway');
  });

  afterAll(() => stack?.stop());

  it('carries one request id from the gateway to the producer and the consumer, and logs no secret', async () => {
    const admin = await token(gateway, stack.admin.username, stack.admin.password);
    const user = await newUser(gateway, 'trace');
    const userToken = await token(gateway, user.username, user.password);
    const transactionId = `${requestId}-tx`;
    const ingest = await call(gateway, '/ingest/transactions', {
      token: admin,
      headers: { 'x-request-id': requestId },
      json: {
        transactionId,
        customerId: requestId,
        amount: '42.00',
        currency: 'eur',
        timestamp: Date.now(),
        cardNumber,
      },
    });
    expect(ingest.status).toBe(202);
    const stored = await waitFor(
      async () => {
        const page = await call(gateway, `/transactions/${transactionId}`, { token: userToken });
        return page.status === 200 ? page.body : undefined;
      },
      { timeoutMs: 60000, description: 'the record through the gateway' },
    );
    expect(stored).toMatchObject({ cardLast4: '1111' });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the last log lines flush

    for (const app of ['api-gateway', 'ingest-producer-service', 'transactions-consumer'] as const) {
      expect({ app, found: stack.services.get(app)?.output().includes(requestId) }).toEqual({ app, found: true });
    }
    const logs = [...stack.services.values()].map((service) => service.output()).join('\n');
    for (const secret of [
      stack.admin.password,
      user.password,
      admin,
      userToken,
      stack.env['JWT_SECRET'],
      cardNumber,
      cardNumber.replace(/ /g, ''),
    ]) {
      expect(logs.includes(secret)).toBe(false);
    }
  });
});
