export const RECORD_DEFINITION = Symbol('RECORD_DEFINITION');
export const CONSUMER_GROUP_ID = Symbol('CONSUMER_GROUP_ID');
export const SOURCE_TOPIC = Symbol('SOURCE_TOPIC');
