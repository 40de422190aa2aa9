import type { RecordNames } from './names';

/** Starting files of a topic folder in libs/kafka-schemas: edit the fields, then run the catalogue spec. */
export function topicFolderFiles(n: RecordNames): Record<string, string> {
  const id = `${n.typeName[0].toLowerCase()}${n.typeName.slice(1)}Id`;
  return {
    [`${n.resource}.catalogue.ts`]: `import { defineTopicCatalogue, timestampField } from '../catalogue/topic-catalogue';

/** ${n.title} records: list every input field here (the payload class validates them). */
export const ${n.key}Catalogue = defineTopicCatalogue({
  key: '${n.key}',
  topic: '${n.topic}',
  schema: '${n.topic}.v1',
  resource: '${n.resource}',
  title: '${n.title}',
  typeName: '${n.typeName}',
  service: '${n.app}',
  database: '${n.topic}',
  collection: '${n.topic}',
  naturalKey: { fields: ['${id}'], description: '${id}' },
  fields: [
    {
      name: '${id}',
      type: 'string',
      required: true,
      minLength: 1,
      maxLength: 128,
      description: 'Id of the ${n.title} in its source system; the natural key',
      example: '${n.resource}-1',
    },
    timestampField('When the ${n.title} happened'),
  ],
  derived: [],
  example: { ${id}: '${n.resource}-1', timestamp: '2026-11-24T10:00:00.000Z' },
});
`,
    [`${n.resource}.payload.ts`]: `import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { IsTimestamp } from '../validation';

/** Validation of a ${n.title}'s input fields; the fields themselves are listed in ${n.resource}.catalogue.ts. */
export class ${n.typeName}Payload {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 128)
  ${id}!: string;

  @IsTimestamp()
  timestamp!: string | number;
}

export function ${n.key}Key(payload: Pick<${n.typeName}Payload, '${id}'>): string {
  return payload.${id};
}
`,
    [`${n.resource}.topic.ts`]: `import type { TopicDefinition } from '../catalogue/topic-definition';
import { ${n.key}Catalogue } from './${n.resource}.catalogue';
import { ${n.typeName}Payload, ${n.key}Key } from './${n.resource}.payload';

export const ${n.key}Topic = {
  catalogue: ${n.key}Catalogue,
  payloadClass: ${n.typeName}Payload,
  naturalKey: ${n.key}Key,
} satisfies TopicDefinition<${n.typeName}Payload>;
`,
  };
}

/** The consumer app's own code: definition and transform (configuration and main.ts are copied from the template app). */
export function consumerAppFiles(n: RecordNames): Record<string, string> {
  return {
    [`src/app/${n.resource}.definition.ts`]: `import { TOPIC_CATALOGUE, TOPICS } from '@datalake/kafka-schemas';
import type { RecordDefinition } from '@datalake/records';
import { to${n.typeName}Document } from './${n.resource}.transform';

const catalogue = TOPIC_CATALOGUE[TOPICS.${n.key}];

export const ${n.key}Definition: RecordDefinition<typeof TOPICS.${n.key}> = {
  // topic, resource path, database and collection: the topic catalogue
  topic: catalogue.topic,
  resource: catalogue.resource,
  database: catalogue.database,
  collection: catalogue.collection,
  toDocument: to${n.typeName}Document,
  // Query parameter -> condition on stored fields; the list query DTO of this topic (libs/dto record-dtos.ts) validates them.
  filters: {},
  applyUpdate: (_current, patch) => ({ ...patch }),
  // One index per filter, ending with the cursor sort { timestamp: -1, _id: -1 }.
  indexes: [],
};
`,
    [`src/app/${n.resource}.transform.ts`]: `import { parseTimestamp, type KeyedEvent, type TOPICS } from '@datalake/kafka-schemas';
import { TransformError, type RecordDocument } from '@datalake/records';

/** Stored form of a ${n.title}: its validated fields, the timestamp as a date, keyed by the natural key. */
export function to${n.typeName}Document(event: KeyedEvent<typeof TOPICS.${n.key}>): RecordDocument {
  const { payload, source, ingestedAt, eventId } = event.envelope;
  const timestamp = parseTimestamp(payload.timestamp);
  if (!timestamp) throw new TransformError('timestamp cannot be read');
  return { ...payload, _id: event.key, timestamp, ingestedAt: new Date(ingestedAt), source, eventId };
}
`,
    [`src/app/${n.resource}.transform.spec.ts`]: `import { catalogueOf, createEvent, TOPICS } from '@datalake/kafka-schemas';
import { to${n.typeName}Document } from './${n.resource}.transform';

describe(to${n.typeName}Document.name, () => {
  it('stores the catalogue example keyed by its natural key, with a date timestamp', () => {
    const event = createEvent(TOPICS.${n.key}, catalogueOf(TOPICS.${n.key}).example, { kind: 'file', name: 'spec' });
    if (!event.ok) throw new Error(event.error.message);
    const document = to${n.typeName}Document(event.value);
    expect(document._id).toBe(event.value.key);
    expect(document['timestamp']).toBeInstanceOf(Date);
  });
});
`,
  };
}
