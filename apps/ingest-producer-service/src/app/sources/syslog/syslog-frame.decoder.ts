import { SYSLOG_MAX_MESSAGE_BYTES } from './syslog-line';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SPACE = 0x20;
const LT = 0x3c;

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/**
 * Splits a syslog TCP stream into messages (RFC 6587), deciding per frame: `MSG-LEN SP <PRI>…` is
 * octet-counting; anything else is non-transparent framing ended by LF (CRLF and NUL trailers
 * tolerated). A message over the limit is cut to it, the rest skipped, so memory stays bounded.
 */
export class SyslogFrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of an overlong octet-counted frame still to skip. */
  private skipBytes = 0;
  /** Skipping the rest of an overlong LF-terminated frame up to its newline. */
  private skipLine = false;

  constructor(private readonly maxFrameBytes = SYSLOG_MAX_MESSAGE_BYTES) {}

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      if (this.skipBytes > 0) {
        const skipped = Math.min(this.skipBytes, this.buffer.length);
        this.skipBytes -= skipped;
        this.buffer = this.buffer.subarray(skipped);
        if (this.skipBytes > 0) break;
      }
      if (this.skipLine) {
        const newline = this.buffer.indexOf(LF);
        if (newline === -1) {
          this.buffer = Buffer.alloc(0);
          break;
        }
        this.buffer = this.buffer.subarray(newline + 1);
        this.skipLine = false;
      }
      let start = 0;
      while (start < this.buffer.length && [LF, CR, NUL].includes(this.buffer[start])) start++;
      this.buffer = this.buffer.subarray(start);
      if (this.buffer.length === 0) break;

      const counted = this.octetCounted();
      if (counted === 'wait') break;
      if (counted) {
        const { headerLength, length } = counted;
        const available = this.buffer.length - headerLength;
        if (length <= this.maxFrameBytes) {
          if (available < length) break;
          frames.push(this.buffer.subarray(headerLength, headerLength + length));
          this.buffer = this.buffer.subarray(headerLength + length);
        } else {
          if (available < this.maxFrameBytes) break;
          frames.push(this.buffer.subarray(headerLength, headerLength + this.maxFrameBytes));
          this.skipBytes = length - this.maxFrameBytes;
          this.buffer = this.buffer.subarray(headerLength + this.maxFrameBytes);
        }
        continue;
      }

      const newline = this.buffer.indexOf(LF);
      if (newline === -1) {
        if (this.buffer.length > this.maxFrameBytes) {
          frames.push(this.buffer.subarray(0, this.maxFrameBytes));
          this.buffer = Buffer.alloc(0);
          this.skipLine = true;
        }
        break;
      }
      frames.push(trimTrailer(this.buffer.subarray(0, Math.min(newline, this.maxFrameBytes))));
      this.buffer = this.buffer.subarray(newline + 1);
    }
    // Keep no reference to a large consumed chunk.
    if (this.buffer.length > 0 && this.buffer.byteOffset > 0) this.buffer = Buffer.from(this.buffer);
    return frames.filter((frame) => frame.length > 0);
  }

  /** What is left when the connection closes: a last message without its newline, or cut short. */
  end(): Buffer[] {
    const skipping = this.skipBytes > 0 || this.skipLine;
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    this.skipBytes = 0;
    this.skipLine = false;
    if (skipping || rest.length === 0) return [];
    const counted = octetCountedHeader(rest);
    const body = counted && counted !== 'wait' ? rest.subarray(counted.headerLength) : rest;
    const frame = trimTrailer(body.subarray(0, this.maxFrameBytes));
    return frame.length > 0 ? [frame] : [];
  }

  private octetCounted(): ReturnType<typeof octetCountedHeader> {
    return octetCountedHeader(this.buffer);
  }
}

/** `MSG-LEN SP <` at the start: octet counting; 'wait' when too few bytes have come to tell. */
function octetCountedHeader(buffer: Buffer): { headerLength: number; length: number } | 'wait' | undefined {
  if (!isDigit(buffer[0]) || buffer[0] === 0x30) return undefined;
  let i = 0;
  while (i < buffer.length && i < 10 && isDigit(buffer[i])) i++;
  if (i === buffer.length) return 'wait';
  if (buffer[i] !== SPACE) return undefined;
  if (i + 1 === buffer.length) return 'wait';
  if (buffer[i + 1] !== LT) return undefined;
  return { headerLength: i + 1, length: Number(buffer.subarray(0, i).toString('ascii')) };
}

function trimTrailer(frame: Buffer): Buffer {
  let end = frame.length;
  while (end > 0 && [CR, NUL, LF].includes(frame[end - 1])) end--;
  return frame.subarray(0, end);
}
