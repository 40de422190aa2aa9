/** Documents per insertMany call: half a consumer step, short enough to heartbeat between calls. */
export const UPSERT_CHUNK_SIZE = 250;

/**
 * Updates per bulkWrite. FerretDB 1.24 holds one backend connection for each update of a bulkWrite
 * that matches a document until the whole command ends; when the commands in flight on the server
 * together need more than its pool (FERRETDB's `pool_max_conns`), they wait for each other forever
 * and the server answers nobody again. Small calls keep every service far below it.
 */
export const MATCHED_UPDATES_PER_CALL = 8;
/** Lookups by `_id` sent at once when checking which records a redelivery really changes. */
