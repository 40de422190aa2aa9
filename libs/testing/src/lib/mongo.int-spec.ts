import mongoose from 'mongoose';
import { getTestInfra } from './test-infra';
import { uniqueId } from './wait-for';

describe('MongoDB wire-protocol server', () => {
  it('round-trips a document through a mongoose model, with a unique index and an upsert', async () => {
    const infra = await getTestInfra();
    const connection = await mongoose.createConnection(infra.mongoUri, { dbName: uniqueId('it_mongo_') }).asPromise();
    try {
      const Thing = connection.model(
        'Thing',
        new mongoose.Schema({ name: { type: String, required: true, unique: true }, count: Number, at: Date }),
      );
      await Thing.init();
      const at = new Date('2026-11-24T10:00:00.000Z');
      await Thing.create({ name: 'a', count: 1, at });
      await Thing.updateOne({ name: 'a' }, { $inc: { count: 2 } }, { upsert: true });
      const found = await Thing.findOne({ name: 'a' }).lean();
      expect(found).toMatchObject({ name: 'a', count: 3, at });
      await expect(Thing.create({ name: 'a' })).rejects.toThrow(/duplicate key/i);
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  });
});
