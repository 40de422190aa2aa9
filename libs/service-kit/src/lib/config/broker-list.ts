/** Parses `host:port[,host:port…]` (KAFKA_BOOTSTRAP_SERVERS); undefined when malformed. */
export function parseBrokerList(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const brokers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const valid = brokers.every((broker) => {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(broker);
    return match !== null && Number(match[2]) > 0 && Number(match[2]) <= 65535;
  });
  return brokers.length > 0 && valid ? brokers : undefined;
}
