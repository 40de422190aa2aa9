/**
 * Longest syslog message kept, in bytes. RFC 5425 §4.3.1 asks receivers to handle 2,048 octets and
 * SHOULD handle 8,192; rsyslog's default maximum is 8 KiB too. A longer message is cut here and
 * flagged: its `message` ends with TRUNCATED_SUFFIX (the network_logs payload has no field for
 * it). Keeps a full buffer and every produce batch small, whatever senders do.
 */
export const SYSLOG_MAX_MESSAGE_BYTES = 8 * 1024;

export const truncatedSuffix = (maxBytes: number) => ` [truncated: longer than ${maxBytes} bytes]`;

export interface ReceivedLine {
  text: string;
  /** The message was longer than the maximum and was cut. */
  truncated: boolean;
  /** UTF-8 bytes of `text`. */
  bytes: number;
}

/**
 * One received message as text, cut at `maxBytes` on a UTF-8 character boundary (never in the
 * middle of a multi-byte character), with trailing CR/LF/NUL removed.
 */
export function receivedLine(data: Buffer, maxBytes = SYSLOG_MAX_MESSAGE_BYTES): ReceivedLine {
  let end = data.length;
  const truncated = end > maxBytes;
  if (truncated) {
    end = maxBytes;
    // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
    while (end > 0 && (data[end] & 0xc0) === 0x80) end--;
  }
  while (end > 0 && (data[end - 1] === 0x0a || data[end - 1] === 0x0d || data[end - 1] === 0x00)) end--;
  const text = data.toString('utf8', 0, end);
  return { text, truncated, bytes: end };
}
