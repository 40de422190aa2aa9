import { parseTimestamp, SEVERITIES } from '@datalake/kafka-schemas';

/** Facility names by code (RFC 5424 §6.2.1), as syslog daemons print them. */
export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

export type SyslogFormat = 'rfc5424' | 'rfc3164' | 'raw';

/** A syslog message in the network_logs shape (sourceIp is the sender, added by the listener). */
export interface SyslogMessage {
  format: SyslogFormat;
  timestamp: string;
  host?: string;
  app?: string;
  severity?: string;
  facility?: string;
  message: string;
}

/** Limits of the network_logs payload fields. */
const MAX_MESSAGE = 65_536;
const MAX_HOST = 255;
const MAX_APP = 128;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const BSD_TIMESTAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?: (\d{4}))?(?= |$)/;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._:%-]*$/;
const TAG = /^([^\s[\]:]{1,128})(?:\[([^\]\s]{0,64})\])?:?$/;

function clip(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text === '' || text === '-') return undefined;
  return text.length > max ? text.slice(0, max) : text;
}

function rfc3339ToIso(text: string): string | undefined {
  if (!RFC3339.test(text)) return undefined;
  // JavaScript dates keep milliseconds: longer fractions are cut, not rounded.
  const date = parseTimestamp(text.replace(/(\.\d{3})\d+/, '$1'));
  // An impossible date (2026-02-30) is passed on as written, so validation refuses the record
  // (INVALID_PAYLOAD, dead-lettered) as from any other source, instead of JavaScript rolling it over.
  return date ? date.toISOString() : text;
}

/**
 * RFC 3164 timestamps carry neither year nor zone: the receiver's zone and the year that puts the
 * time closest before `receivedAt` (a December message read in January is last year's).
 */
function bsdTimestamp(match: RegExpExecArray, receivedAt: Date): string | undefined {
  const month = MONTHS.indexOf(match[1]);
  if (month === -1) return undefined;
  const [day, hour, minute, second] = [match[2], match[3], match[4], match[5]].map(Number);
  const build = (year: number) => new Date(year, month, day, hour, minute, second);
  let date = build(match[6] ? Number(match[6]) : receivedAt.getFullYear());
  if (!match[6] && date.getTime() - receivedAt.getTime() > 86_400_000) date = build(receivedAt.getFullYear() - 1);
  return Number.isNaN(date.getTime()) || date.getDate() !== day ? undefined : date.toISOString();
}

function priority(text: string): { pri: number; rest: string } | undefined {
  const match = /^<(\d{1,3})>/.exec(text);
  if (!match) return undefined;
  const pri = Number(match[1]);
  if (pri > 191 || (match[1].length > 1 && match[1].startsWith('0'))) return undefined;
  return { pri, rest: text.slice(match[0].length) };
}

/** Reads RFC 5424 structured data (`-` or `[id k="v"]...`); returns what follows it, or undefined. */
function skipStructuredData(text: string): { sd: string; rest: string } | undefined {
  if (text.startsWith('-')) return { sd: '', rest: text.slice(1) };
  if (!text.startsWith('[')) return undefined;
  let i = 0;
  while (text[i] === '[') {
    let inQuotes = false;
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (inQuotes && c === '\\') i++;
      else if (c === '"') inQuotes = !inQuotes;
      else if (c === ']' && !inQuotes) break;
    }
    if (i >= text.length) return undefined;
    i++;
  }
  return { sd: text.slice(0, i), rest: text.slice(i) };
}

function parse5424(pri: number, rest: string): Omit<SyslogMessage, 'format'> | undefined {
  const header = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(rest);
  if (!header) return undefined;
  const [, time, hostname, appName, ,] = header;
  const timestamp = time === '-' ? undefined : rfc3339ToIso(time);
  if (time !== '-' && !timestamp) return undefined;
  const data = skipStructuredData(rest.slice(header[0].length));
  if (!data || (data.rest !== '' && !data.rest.startsWith(' '))) return undefined;
  let message = data.rest.slice(1).replace(/^\uFEFF/, '');
  if (message === '' && data.sd) message = data.sd;
  return {
    timestamp: timestamp ?? '',
    host: clip(hostname, MAX_HOST),
    app: clip(appName, MAX_APP),
    severity: SEVERITIES[pri & 7],
    facility: FACILITIES[pri >> 3],
    message,
  };
}

function parse3164(pri: number, rest: string, receivedAt: Date): Omit<SyslogMessage, 'format'> {
  let timestamp: string | undefined;
  let text = rest;
  const bsd = BSD_TIMESTAMP.exec(text);
  if (bsd) {
    timestamp = bsdTimestamp(bsd, receivedAt);
    if (timestamp) text = text.slice(bsd[0].length).replace(/^ /, '');
  } else {
    // Many daemons put an RFC 3339 time in the old format (rsyslog's high-precision template).
    const iso = /^(\S+) /.exec(text);
    const parsed = iso ? rfc3339ToIso(iso[1]) : undefined;
    if (iso && parsed) {
      timestamp = parsed;
      text = text.slice(iso[0].length);
    }
  }
  let host: string | undefined;
  let app: string | undefined;
  if (timestamp) {
    const words = /^(\S+)(?: (\S+))?/.exec(text);
    const first = words?.[1] ?? '';
    const second = words?.[2];
    if ((TAG.test(first) && first.endsWith(':')) || /\[[^\]]*\]:?$/.test(first)) {
      // `TAG: msg` with no hostname, as a local sender writes.
      app = TAG.exec(first)?.[1];
      text = text.slice(first.length).replace(/^ /, '');
    } else if (HOSTNAME.test(first)) {
      host = first;
      text = text.slice(first.length).replace(/^ /, '');
      if (second && TAG.test(second) && (second.endsWith(':') || second.includes('['))) {
        app = TAG.exec(second)?.[1];
        text = text.slice(second.length).replace(/^ /, '');
      }
    }
  }
  return {
    timestamp: timestamp ?? '',
    host: clip(host, MAX_HOST),
    app: clip(app, MAX_APP),
    severity: SEVERITIES[pri & 7],
    facility: FACILITIES[pri >> 3],
    message: text,
  };
}

/**
 * Parses one syslog message: RFC 5424, else RFC 3164 (BSD) with its common variants. A line that
 * is neither is kept whole as `message` (format `raw`), never dropped; a missing or unreadable
 * time becomes the time it was received.
 */
export function parseSyslog(line: string, receivedAt: Date = new Date()): SyslogMessage {
  const text = line.replace(/[\r\n\0]+$/, '');
  const fallback = receivedAt.toISOString();
  const prefix = priority(text);
  let parsed: (Omit<SyslogMessage, 'format'> & { format: SyslogFormat }) | undefined;
  if (prefix) {
    const modern = parse5424(prefix.pri, prefix.rest);
    parsed = modern
      ? { ...modern, format: 'rfc5424' }
      : { ...parse3164(prefix.pri, prefix.rest, receivedAt), format: 'rfc3164' };
  } else {
    parsed = { format: 'raw', timestamp: '', message: text };
  }
  const result: SyslogMessage = {
    format: parsed.format,
    timestamp: parsed.timestamp || fallback,
    message: parsed.message.length > MAX_MESSAGE ? parsed.message.slice(0, MAX_MESSAGE) : parsed.message,
  };
  if (parsed.host) result.host = parsed.host;
  if (parsed.app) result.app = parsed.app;
  if (parsed.severity) result.severity = parsed.severity;
  if (parsed.facility) result.facility = parsed.facility;
  return result;
}
