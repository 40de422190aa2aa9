import { getTestInfra } from './test-infra';

describe('getTestInfra', () => {
  it('finds a Kafka broker and a MongoDB server', async () => {
    const infra = await getTestInfra();
    expect(infra.kafkaBrokers.length).toBeGreaterThan(0);
    expect(infra.mongoUri).toMatch(/^mongodb/);
  });
});
