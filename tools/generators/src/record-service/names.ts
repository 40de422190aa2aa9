/** Every spelling of a data type's name the workspace uses, from its kebab-case resource name. */
export interface RecordNames {
  /** `sensor-readings`: REST resource and topic folder. */
  resource: string;
  /** `sensor_readings`: Kafka topic, Mongo database and collection. */
  topic: string;
  /** `sensorReadings`: key in TOPICS, prefix of variables. */
  key: string;
  /** `SENSOR_READINGS`: prefix of environment variables. */
  constant: string;
  /** `SensorReading`: class names (payload, DTOs). */
  typeName: string;
  /** `sensor reading`: one record in words. */
  title: string;
  /** `sensor-readings-consumer`: the owning app. */
  app: string;
}

export function recordNames(resource: string, overrides: { typeName?: string; title?: string } = {}): RecordNames {
  const words = resource.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  const singular = (text: string) => text.replace(/ies$/, 'y').replace(/([^s])s$/, '$1');
  return {
    resource,
    topic: words.join('_'),
    key: pascal[0].toLowerCase() + pascal.slice(1),
    constant: words.join('_').toUpperCase(),
    typeName: overrides.typeName ?? singular(pascal),
    title: overrides.title ?? singular(words.join(' ')),
    app: `${resource}-consumer`,
  };
}

/**
 * Replaces every spelling of one data type's names by another's, by context: the app name, the
 * CONSTANT prefix, a camelCase identifier (`transactionsDefinition`), `TOPICS.<key>`, a file name
 * (`./app/transactions.definition`), and what remains is the topic (`Topic transactions`).
 */
export function renamer(from: RecordNames, to: RecordNames): (text: string) => string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rules: [RegExp, string][] = [
    [new RegExp(escape(from.app), 'g'), to.app],
    [new RegExp(`\\b${escape(from.constant)}(?=_)`, 'g'), to.constant],
    [new RegExp(`TOPICS\\.${escape(from.key)}\\b`, 'g'), `TOPICS.${to.key}`],
    [new RegExp(`\\b${escape(from.key)}(?=[A-Z])`, 'g'), to.key],
    [new RegExp(`(?<=[/'"])${escape(from.resource)}(?=\\.[a-z])`, 'g'), to.resource],
    [new RegExp(`\\b${escape(from.topic)}\\b`, 'g'), to.topic],
  ];
  return (text) => rules.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}
