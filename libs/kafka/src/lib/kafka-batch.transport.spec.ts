import { firstValueFrom } from 'rxjs';
import type { ConsumedBatch, KafkaClient } from '@datalake/kafka-core';
import { KafkaBatchContext, KafkaBatchTransport, RethrowToKafkaTransport } from './kafka-batch.transport';

describe('KafkaBatchTransport (no broker)', () => {
  const noClient = {} as KafkaClient;

  it('consumes the patterns of event handlers only, not of request-response ones', () => {
    const transport = new KafkaBatchTransport(noClient, { groupId: 'g' });
    transport.addHandler('transactions', async () => undefined, true);
    transport.addHandler('network-logs', async () => undefined, true);
    transport.addHandler('a-request', async () => undefined, false);
    expect(transport.topics()).toEqual(['transactions', 'network-logs']);
  });

  it('has no status before it listens, and stops without a consumer', async () => {
    const transport = new KafkaBatchTransport(noClient, { groupId: 'g' });
    expect(transport.consumerStatus()).toBeUndefined();
    expect(transport.progress()).toEqual([]);
    await expect(transport.close()).resolves.toBeUndefined();
  });

  it('refuses to listen without an @EventPattern handler', async () => {
    const transport = new KafkaBatchTransport(noClient, { groupId: 'g' });
    const error = await new Promise<unknown>((resolve) => void transport.listen(resolve));
    expect(String(error)).toMatch(/no @EventPattern/);
  });

  it('gives the handler the batch place and the consumer heartbeat through the context', async () => {
    const batch: ConsumedBatch = { topic: 'transactions', partition: 2, messages: [], offsetLag: 0 };
    let beats = 0;
    const context = new KafkaBatchContext([batch, { heartbeat: async () => void beats++, isActive: () => false }]);
    await context.heartbeat();
    expect([context.getTopic(), context.getPartition(), context.isActive(), beats]).toEqual([
      'transactions',
      2,
      false,
      1,
    ]);
  });

  it('passes a handler error on unchanged (Nest would make it "Internal server error")', async () => {
    const error = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    await expect(firstValueFrom(new RethrowToKafkaTransport().catch(error))).rejects.toBe(error);
  });
});
