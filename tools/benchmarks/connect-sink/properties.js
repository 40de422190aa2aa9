'use strict';
/**
 * The standalone worker's and the MongoDB sink connector's settings for one benchmark run.
 * The two modes differ only in how a record becomes a write:
 *   insert  InsertOneDefaultStrategy: every record is a new document with a generated ObjectId
 *           (fast, not idempotent: a redelivered record is stored twice).
 *   upsert  the record's key (the natural key, transactionId) becomes `_id` (HoistField on the
 *           key + ProvidedInKeyStrategy) and ReplaceOneDefaultStrategy replaces by `_id` with
 *           upsert: what the project's consumers do, idempotent.
 * Both store the envelope's payload (ExtractField on the value), so the documents carry the
 * fields the consumer's indexes name (customerId, timestamp, …) at the top level.
 */

const STRATEGIES = 'com.mongodb.kafka.connect.sink';

/** Default documents per bulkWrite: see `maxBatchSizeFor`. */
function defaultBatchSize(mode) {
  // FerretDB 1.x hangs on a bulkWrite with >= 50 (PostgreSQL) / 100 (SQLite) matched updates
  // (issue 10): an upsert batch that redelivers stored records must stay below that. An insert
  // batch matches nothing, so it takes whatever one poll returns (max.batch.size=0).
  return mode === 'upsert' ? 40 : 0;
}

function render(entries) {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** connect-standalone's worker.properties. */
function workerProperties({ kafka, restPort, offsetsFile, pluginPath }) {
  return render({
    'bootstrap.servers': kafka,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'offset.storage.file.filename': offsetsFile,
    // The sink's consumer commits what was written this often: run.js reads the committed
    // offsets to know when everything is written, so this bounds the timing error.
    'offset.flush.interval.ms': '250',
    'plugin.path': pluginPath,
    listeners: `http://127.0.0.1:${restPort}`,
    'rest.advertised.host.name': '127.0.0.1',
  });
}

/** The sink connector's properties; `name` also names its consumer group (connect-<name>). */
function connectorProperties({ name, topic, mongoUri, database, collection, mode, tasks = 1, batchSize }) {
  if (mode !== 'insert' && mode !== 'upsert') throw new Error(`mode must be insert or upsert, not ${mode}`);
  const common = {
    name,
    'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
    'tasks.max': String(tasks),
    topics: topic,
    'connection.uri': mongoUri,
    database,
    collection,
    'max.batch.size': String(batchSize ?? defaultBatchSize(mode)),
    'bulk.write.ordered': 'true',
    'errors.tolerance': 'none', // a record that cannot be written stops the task: run.js reports it
  };
  const payloadOnly = {
    'transforms.payload.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
    'transforms.payload.field': 'payload',
  };
  if (mode === 'insert') {
    return render({
      ...common,
      transforms: 'payload',
      ...payloadOnly,
      'writemodel.strategy': `${STRATEGIES}.writemodel.strategy.InsertOneDefaultStrategy`,
    });
  }
  return render({
    ...common,
    transforms: 'payload,keyAsId',
    ...payloadOnly,
    'transforms.keyAsId.type': 'org.apache.kafka.connect.transforms.HoistField$Key',
    'transforms.keyAsId.field': '_id',
    'document.id.strategy': `${STRATEGIES}.processor.id.strategy.ProvidedInKeyStrategy`,
    'writemodel.strategy': `${STRATEGIES}.writemodel.strategy.ReplaceOneDefaultStrategy`,
  });
}

module.exports = { workerProperties, connectorProperties, defaultBatchSize };
