import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { normalizeIp, TOPICS } from '@datalake/kafka-schemas';
import { IngestSource } from '../lifecycle/ingest-source';
import { retryDelayMs } from '../lifecycle/retry-delay';
import { sourceMetrics } from '../progress/source-metrics';
import { SourceEvents } from '../progress/source-events';
import { SourceStallMonitor } from '../progress/source-stalls';
import { RowIngestor } from '../row-ingestor';
import { errorMessage } from '../source-errors';
import { emptyStats, type SourceRow } from '../source-row';
import { SourcesConfig } from '../sources.config';
import { SYSLOG_BATCH_MAX_BYTES, SyslogBuffer } from './syslog-buffer';
import { SyslogFrameDecoder } from './syslog-frame.decoder';
import { receivedLine, SYSLOG_MAX_MESSAGE_BYTES, truncatedSuffix } from './syslog-line';
import { parseSyslog } from './syslog.parser';

type Transport = 'udp' | 'tcp';

const MAX_RETRY_DELAY_MS = 10_000;
const SHUTDOWN_FLUSH_MS = 10_000;

/** The network_logs record of one syslog message; the sender's address is its sourceIp. */
export function syslogRecord(
  text: string,
  senderAddress: string | undefined,
  receivedAt = new Date(),
): Record<string, unknown> {
  const { format: _format, ...fields } = parseSyslog(text, receivedAt);
  return { ...fields, sourceIp: normalizeIp(senderAddress) ?? '0.0.0.0' };
}

interface Buffered {
  row: SourceRow;
  bytes: number;
  transport: Transport;
}

/** The stall monitor's name for the buffer: one input, whatever the senders. */
const BUFFER_INPUT = 'buffer';

/**
 * Syslog over UDP and TCP on SYSLOG_PORT → `network_logs`. Messages are cut at
 * SYSLOG_MAX_MESSAGE_BYTES (flagged), parsed (RFC 5424 / 3164, else kept raw), buffered and
 * produced in batches of at most INGEST_CHUNK_SIZE messages and SYSLOG_BATCH_MAX_BYTES, or every
 * SYSLOG_FLUSH_MS. The buffer is bounded (messages and bytes): past it TCP senders are paused
 * (back-pressure) and UDP datagrams are dropped and counted, as UDP syslog allows. An outage is
 * retried with backoff; a batch refused for another reason is split until the message at fault is
 * found, which is dropped, counted and logged, so nothing blocks the messages behind it.
 */
@Injectable()
export class SyslogService extends IngestSource {
  protected readonly kind = 'syslog';
  protected readonly setting = 'syslog';
  /** How long shutdown waits for the last batch to be acknowledged. */
  protected override readonly drainTimeoutMs = SHUTDOWN_FLUSH_MS;
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly connections = new Set<Socket>();
  private readonly buffer = new SyslogBuffer<Buffered>();
  private flushTimer?: NodeJS.Timeout;
  private failures = 0;
  /** Largest batch to try next: halved after a refused batch, to isolate the message at fault. */
  private batchLimit: number;
  private paused = false;
  private readonly stats = emptyStats();
  /** UDP and TCP ports actually bound (SYSLOG_PORT, or the system's pick for port 0 in tests). */
  readonly ports: { udp?: number; tcp?: number } = {};

  constructor(
    config: SourcesConfig,
    private readonly rowIngestor: RowIngestor,
    private readonly events: SourceEvents,
    stalls: SourceStallMonitor,
    logger: PinoLogger,
  ) {
    super(config, stalls, logger);
    this.logger.setContext(SyslogService.name);
    this.batchLimit = config.chunkSize;
  }

  /** Messages waiting for Kafka (for tests and status). */
  get buffered(): number {
    return this.buffer.length;
  }

  protected async start(): Promise<void> {
    const { host, port } = this.config.syslog;
    await Promise.all([this.listenUdp(host, port), this.listenTcp(host, port)]);
    this.logger.info(
      { host, ...this.ports },
      `syslog listening on ${host} udp/${this.ports.udp} tcp/${this.ports.tcp}`,
    );
  }

  /** Closes the sockets, then produces what is buffered (waited for up to SHUTDOWN_FLUSH_MS). */
  protected override async stopTakingInput(): Promise<void> {
    this.udp?.close();
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
    void this.flushNow();
  }

  protected override drained(): void {
    clearTimeout(this.flushTimer);
    if (this.buffer.length > 0) {
      this.logger.error(
        { lost: this.buffer.length },
        `shutting down with ${this.buffer.length} syslog messages Kafka did not take`,
      );
    }
  }

  private listenUdp(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    this.udp = socket;
    socket.on('message', (message, remote) => this.receive(message, remote.address, 'udp'));
    return new Promise((resolve, reject) => {
      socket.once('error', (error) =>
        reject(new Error(`syslog cannot listen on udp ${host}:${port} (SYSLOG_PORT): ${error.message}`)),
      );
      socket.bind(port, host, () => {
        socket.removeAllListeners('error');
        socket.on('error', (error) => this.logger.warn({ error: error.message }, 'syslog UDP socket error'));
        try {
          socket.setRecvBufferSize(4 * 1024 * 1024); // bursts of datagrams while a batch is produced
        } catch {
          // The system caps it; the default buffer still works.
        }
        this.ports.udp = socket.address().port;
        resolve();
      });
    });
  }

  private listenTcp(host: string, port: number): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', (error) =>
        reject(new Error(`syslog cannot listen on tcp ${host}:${port} (SYSLOG_PORT): ${error.message}`)),
      );
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        server.on('error', (error) => this.logger.warn({ error: error.message }, 'syslog TCP server error'));
        const address = server.address();
        this.ports.tcp = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    // One byte over the maximum: a frame that long was cut, and is flagged as truncated.
    const decoder = new SyslogFrameDecoder(SYSLOG_MAX_MESSAGE_BYTES + 1);
    const sender = socket.remoteAddress;
    this.connections.add(socket);
    if (this.paused) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) this.receive(frame, sender, 'tcp');
    });
    socket.on('end', () => {
      for (const frame of decoder.end()) this.receive(frame, sender, 'tcp');
    });
    socket.on('error', () => undefined); // a sender resetting its connection is its own business
    socket.on('close', () => this.connections.delete(socket));
  }

  private receive(data: Buffer, sender: string | undefined, transport: Transport): void {
    const line = receivedLine(data, SYSLOG_MAX_MESSAGE_BYTES);
    if (line.text.trim() === '') return;
    sourceMetrics.syslogMessages.inc({ transport });
    if (line.truncated) sourceMetrics.syslogTruncated.inc({ transport });
    if (this.buffer.isFull && transport === 'udp') {
      sourceMetrics.syslogDropped.inc({ transport, reason: 'buffer_full' });
      return;
    }
    const record = syslogRecord(line.text, sender);
    if (line.truncated)
      record['message'] = `${String(record['message'] ?? '')}${truncatedSuffix(SYSLOG_MAX_MESSAGE_BYTES)}`;
    const row: SourceRow = {
      record,
      raw: line.text,
      location: `${transport} from ${sender ?? 'unknown'}`,
      position: { rows: 0 },
    };
    // TCP: what a paused sender still had in flight is kept (up to twice the bound).
    if (!this.buffer.push({ row, bytes: line.bytes, transport }, line.bytes, transport === 'tcp')) {
      sourceMetrics.syslogDropped.inc({ transport, reason: 'buffer_full' });
      return;
    }
    if (this.buffer.isFull && !this.paused) this.setPaused(true);
    if (this.buffer.length >= this.config.chunkSize || this.buffer.bytes >= SYSLOG_BATCH_MAX_BYTES)
      void this.flushNow();
    else this.flushTimer ??= setTimeout(() => void this.flushNow(), this.config.syslog.flushMs);
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    for (const socket of this.connections) {
      if (paused) socket.pause();
      else socket.resume();
    }
    this.logger.warn(
      { buffered: this.buffer.length, bufferedBytes: this.buffer.bytes },
      paused
        ? 'syslog buffer full: pausing TCP senders, dropping UDP datagrams'
        : 'syslog buffer drained: resuming TCP senders',
    );
  }

  /** Produces buffered messages batch by batch until the buffer is empty; one flusher at a time. */
  private flushNow(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return this.run(BUFFER_INPUT, () => this.drain());
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      this.stalls.working('syslog', BUFFER_INPUT);
      const batch = this.buffer.take(this.batchLimit, SYSLOG_BATCH_MAX_BYTES);
      const attempt = await this.attempt(BUFFER_INPUT, () => this.produce(batch), {
        fields: { buffered: this.buffer.length + batch.length, batch: batch.length, afterFailures: this.failures },
        message: (problem, transient) =>
          transient
            ? 'cannot produce syslog messages now; retrying'
            : `a syslog batch of ${batch.length} failed: ${problem}; ` +
              (batch.length > 1 ? 'retrying it in smaller batches' : 'dropping the message'),
        recovered: 'syslog batches go through again',
      });
      if (!attempt.ok && attempt.transient) {
        // An outage: the batch waits at the head; new input is bounded by the buffer meanwhile.
        this.buffer.putBack(batch, (entry) => entry.bytes);
        this.failures++;
        if (this.stopping) return;
        await this.sleep(retryDelayMs(this.failures, MAX_RETRY_DELAY_MS));
      } else if (!attempt.ok) {
        this.refused(batch, attempt.error);
      }
      if (this.paused && this.buffer.hasRoom) this.setPaused(false);
    }
    this.stalls.idle('syslog', BUFFER_INPUT);
  }

  private async produce(batch: Buffered[]): Promise<void> {
    const result = await this.rowIngestor.ingestRows(
      TOPICS.networkLogs,
      { kind: 'syslog', name: 'syslog' },
      `syslog-${Date.now().toString(36)}`,
      batch.map((entry) => entry.row),
    );
    this.failures = 0;
    this.batchLimit = this.config.chunkSize;
    this.stalls.progressed('syslog', BUFFER_INPUT);
    this.stats.read += batch.length;
    this.stats.produced += result.produced;
    this.stats.rejected += result.rejected;
    const labels = { source: 'syslog', topic: TOPICS.networkLogs };
    sourceMetrics.rowsRead.inc(labels, batch.length);
    sourceMetrics.rowsProduced.inc(labels, result.produced);
    sourceMetrics.rowsRejected.inc(labels, result.rejected);
    for (const rejection of result.rejections) {
      this.logger.warn(
        { location: rejection.location, code: rejection.code, reason: rejection.message },
        `syslog message refused: ${rejection.message}`,
      );
    }
    this.events.emit('progress', {
      kind: 'syslog',
      topic: TOPICS.networkLogs,
      name: 'syslog',
      stats: { ...this.stats },
    });
  }

  /**
   * A batch failed for a reason other than an outage: retried in halves until the one message at
   * fault is alone, which is dropped (counted, logged), so the messages behind it go on.
   */
  private refused(batch: Buffered[], error: unknown): void {
    if (batch.length > 1) {
      this.buffer.putBack(batch, (entry) => entry.bytes);
      this.batchLimit = Math.ceil(batch.length / 2);
      return;
    }
    const [entry] = batch;
    sourceMetrics.syslogDropped.inc({ transport: entry.transport, reason: 'refused' });
    this.logger.error(
      { location: entry.row.location, bytes: entry.bytes, error: errorMessage(error) },
      `syslog message dropped (${entry.row.location}, ${entry.bytes} bytes): ${errorMessage(error)}`,
    );
  }
}
