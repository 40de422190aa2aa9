import mongoose from 'mongoose';
import { getSecureTestInfra, type SecureTestInfra } from './secure-test-infra';
import { isPortOpen } from './test-infra';
import { uniqueId } from './wait-for';

describe('MongoDB wire-protocol server over TLS (local instance)', () => {
  let infra: SecureTestInfra;

  beforeAll(async () => {
    infra = getSecureTestInfra();
    const { hostname, port } = new URL(infra.mongoTlsUri);
    if (!(await isPortOpen(hostname, Number(port)))) {
      throw new Error(
        `The TLS listener ${hostname}:${port} of the ${infra.instance} instance does not answer: ` +
          `run \`DATALAKE_INFRA_INSTANCE=${infra.instance} bash tools/infra/local-infra.sh down\` then \`... up\`.`,
      );
    }
  });

  it('round-trips a document with tls=true&tlsCAFile=... (the URI form Atlas and replica sets use)', async () => {
    expect(infra.mongoTlsUri).toMatch(/[?&]tls=true(&|$)/);
    expect(infra.mongoTlsUri).toContain(`tlsCAFile=${infra.caFile}`);
    const connection = await mongoose
      .createConnection(infra.mongoTlsUri, { dbName: uniqueId('it_mongo_tls_'), serverSelectionTimeoutMS: 10_000 })
      .asPromise();
    try {
      const Note = connection.model('Note', new mongoose.Schema({ text: String, at: Date }));
      const at = new Date('2026-12-01T10:00:00.000Z');
      const created = await Note.create({ text: 'over TLS', at });
      expect(await Note.findById(created._id).lean()).toMatchObject({ text: 'over TLS', at });
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const uri = infra.mongoTlsUri.replace(/&tlsCAFile=[^&]*/, '');
    const attempt = mongoose
      .createConnection(uri, { dbName: uniqueId('it_mongo_tls_'), serverSelectionTimeoutMS: 3000 })
      .asPromise();
    await expect(attempt).rejects.toThrow(/self.signed|certificate/i);
  });
});
