export const RECORD_DEFINITION = Symbol('RECORD_DEFINITION');
export const SOURCE_TOPIC = Symbol('SOURCE_TOPIC');
