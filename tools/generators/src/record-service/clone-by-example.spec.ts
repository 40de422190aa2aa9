import { cloneByExample, type Example } from './clone-by-example';
import { recordNames, renamer } from './names';

/** transactions-consumer (3013, management 9013) as the example, sensor-readings-consumer as the copy. */
const rename = renamer(recordNames('transactions'), recordNames('sensor-readings'));
const example: Example = {
  mentions: /(?<![A-Za-z0-9])(?:transactions-consumer|TRANSACTIONS|transactions)(?![a-z0-9])/,
  siblings: /(?<![A-Za-z0-9])(?:social-posts-consumer|SOCIAL_POSTS|social_posts|api-gateway)(?![a-z0-9])/,
  peers: /(?<![A-Za-z0-9])(?:social-posts-consumer|SOCIAL_POSTS|social_posts)(?![a-z0-9])/,
  rename: (text) =>
    rename(text)
      .replace(/(?<!\d)3013(?!\d)/g, '3014')
      .replace(/(?<!\d)9013(?!\d)/g, '9014'),
};

describe(cloneByExample.name, () => {
  it('clones a YAML document of the example with the comment that heads it, renamed, ports substituted', () => {
    const text = [
      '# One ServiceMonitor per service.',
      '---',
      '# social-posts-consumer: management port 9012',
      'kind: ServiceMonitor',
      'metadata:',
      '  name: social-posts-consumer',
      '---',
      '# transactions-consumer: management port 9013',
      'kind: ServiceMonitor',
      'metadata:',
      '  name: transactions-consumer',
      'spec:',
      '  endpoints:',
      '    - port: management',
      '',
    ].join('\n');
    const cloned = cloneByExample(text, example, { yaml: true });
    expect(cloned).toBe(
      `${text.trimEnd()}\n---\n# sensor-readings-consumer: management port 9014\nkind: ServiceMonitor\nmetadata:\n  name: sensor-readings-consumer\nspec:\n  endpoints:\n    - port: management\n`,
    );
    expect(cloneByExample(cloned, example, { yaml: true })).toBe(cloned);
  });

  it('clones a multi-line object literal with its closing bracket, next to the example', () => {
    const text = [
      'export const SERVICES = [',
      '  {',
      "    app: 'social-posts-consumer',",
      '    port: 3012,',
      '  },',
      '  {',
      "    app: 'transactions-consumer',",
      "    managementVar: 'TRANSACTIONS_MANAGEMENT_PORT',",
      '    managementPort: 9013,',
      '  },',
      '] as const;',
    ].join('\n');
    expect(cloneByExample(text, example).split('\n').slice(9, 15)).toEqual([
      '  },',
      '  {',
      "    app: 'sensor-readings-consumer',",
      "    managementVar: 'SENSOR_READINGS_MANAGEMENT_PORT',",
      '    managementPort: 9014,',
      '  },',
    ]);
  });

  it('clones an indentation block that belongs to the example, but only the line of a shared block', () => {
    const text = [
      'services:',
      '  social-posts-consumer:',
      '    expose:',
      '      - "3012"',
      '',
      '  transactions-consumer:',
      '    expose:',
      '      - "3013"',
      '',
      '  api-gateway:',
      '    environment:',
      '      SOCIAL_POSTS_SERVICE_URL: http://social-posts-consumer:3012',
      '      TRANSACTIONS_SERVICE_URL: http://transactions-consumer:3013',
      '',
    ].join('\n');
    expect(cloneByExample(text, example, { yaml: true })).toBe(
      [
        'services:',
        '  social-posts-consumer:',
        '    expose:',
        '      - "3012"',
        '',
        '  transactions-consumer:',
        '    expose:',
        '      - "3013"',
        '',
        '  sensor-readings-consumer:',
        '    expose:',
        '      - "3014"',
        '',
        '  api-gateway:',
        '    environment:',
        '      SOCIAL_POSTS_SERVICE_URL: http://social-posts-consumer:3012',
        '      TRANSACTIONS_SERVICE_URL: http://transactions-consumer:3013',
        '      SENSOR_READINGS_SERVICE_URL: http://sensor-readings-consumer:3014',
        '',
      ].join('\n'),
    );
  });

  it('adds the copy after the example in lines that list services, with their separator', () => {
    const lines = [
      'APPS=(social-posts-consumer transactions-consumer api-gateway)',
      "export const CONSUMERS = ['social-posts-consumer', 'transactions-consumer'];",
      '      name: social-posts-consumer|transactions-consumer',
      'TOPICS: social_posts transactions social_posts.dlq transactions.dlq',
      "  | 'transactions-consumer';",
    ];
    expect(cloneByExample(lines.join('\n'), example).split('\n')).toEqual([
      'APPS=(social-posts-consumer transactions-consumer sensor-readings-consumer api-gateway)',
      "export const CONSUMERS = ['social-posts-consumer', 'transactions-consumer', 'sensor-readings-consumer'];",
      '      name: social-posts-consumer|transactions-consumer|sensor-readings-consumer',
      'TOPICS: social_posts transactions sensor_readings social_posts.dlq transactions.dlq sensor_readings.dlq',
      "  | 'transactions-consumer' | 'sensor-readings-consumer';",
    ]);
  });

  it('leaves comments and look-alike names alone', () => {
    const text = ['# e.g. {"transactions":"orders"}', 'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1', ''].join('\n');
    expect(cloneByExample(text, example)).toBe(text);
  });

  it('in Markdown, clones a table row and extends a list, and leaves prose alone', () => {
    const text = [
      '| transactions-consumer | 3013 (`TRANSACTIONS_PORT`) | api-gateway pods only |',
      'for app in social-posts-consumer transactions-consumer; do',
      'The transactions-consumer keeps its offsets.',
    ].join('\n');
    expect(cloneByExample(text, example, { markdown: true }).split('\n')).toEqual([
      '| transactions-consumer | 3013 (`TRANSACTIONS_PORT`) | api-gateway pods only |',
      '| sensor-readings-consumer | 3014 (`SENSOR_READINGS_PORT`) | api-gateway pods only |',
      'for app in social-posts-consumer transactions-consumer sensor-readings-consumer; do',
      'The transactions-consumer keeps its offsets.',
    ]);
  });
});
