import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { normalizeIp, TOPICS } from '@datalake/kafka-schemas';
import { sourceMetrics } from '../progress/source-metrics';
import { SourceEvents } from '../progress/source-events';
import { RowIngestor } from '../row-ingestor';
import { errorMessage } from '../source-errors';
import { emptyStats, type SourceRow } from '../source-row';
import { SourcesConfig } from '../sources.config';
import { SyslogFrameDecoder } from './syslog-frame.decoder';
import { parseSyslog } from './syslog.parser';

type Transport = 'udp' | 'tcp';

const MAX_RETRY_DELAY_MS = 10_000;
/** How long shutdown waits for the last batch to be acknowledged. */
const SHUTDOWN_FLUSH_MS = 10_000;

/** The network_logs record of one syslog message; the sender's address is its sourceIp. */
export function syslogRecord(text: string, senderAddress: string | undefined, receivedAt = new Date()): Record<string, unknown> {
  const { format: _format, ...fields } = parseSyslog(text, receivedAt);
  return { ...fields, sourceIp: normalizeIp(senderAddress) ?? '0.0.0.0' };
}

/**
 * Syslog over UDP and TCP on SYSLOG_PORT → `network_logs`. Messages are parsed (RFC 5424 / 3164,
 * else kept raw), buffered and produced in batches of INGEST_CHUNK_SIZE or every SYSLOG_FLUSH_MS.
 * While Kafka is down the buffer is retried; past its bound TCP senders are paused (backpressure)
 * and UDP datagrams are dropped and counted, as UDP syslog allows.
 */
@Injectable()
export class SyslogService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly connections = new Set<Socket>();
  private buffer: SourceRow[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private paused = false;
  private stopping = false;
  private readonly stats = emptyStats();
  /** UDP and TCP ports actually bound (SYSLOG_PORT, or the system's pick for port 0 in tests). */
  readonly ports: { udp?: number; tcp?: number } = {};

  constructor(
    private readonly config: SourcesConfig,
    private readonly rowIngestor: RowIngestor,
    private readonly events: SourceEvents,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(SyslogService.name);
  }

  private get maxBuffered(): number {
    return Math.max(10_000, this.config.chunkSize * 20);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.isEnabled('syslog')) return;
    const { host, port } = this.config.syslog;
    await Promise.all([this.listenUdp(host, port), this.listenTcp(host, port)]);
    this.logger.info({ host, ...this.ports }, `syslog listening on ${host} udp/${this.ports.udp} tcp/${this.ports.tcp}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.udp && !this.tcp) return;
    this.stopping = true;
    this.udp?.close();
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
    clearTimeout(this.flushTimer);
    const last = this.flushNow();
    await Promise.race([last, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref())]);
    if (this.buffer.length > 0) {
      this.logger.error({ lost: this.buffer.length }, `shutting down with ${this.buffer.length} syslog messages Kafka did not take`);
    }
  }

  private listenUdp(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    this.udp = socket;
    socket.on('message', (message, remote) => this.receive(message.toString('utf8'), remote.address, 'udp'));
    return new Promise((resolve, reject) => {
      socket.once('error', (error) => reject(new Error(`syslog cannot listen on udp ${host}:${port} (SYSLOG_PORT): ${error.message}`)));
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
      server.once('error', (error) => reject(new Error(`syslog cannot listen on tcp ${host}:${port} (SYSLOG_PORT): ${error.message}`)));
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
    const decoder = new SyslogFrameDecoder();
    const sender = socket.remoteAddress;
    this.connections.add(socket);
    if (this.paused) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) this.receive(frame.toString('utf8'), sender, 'tcp');
    });
    socket.on('end', () => {
      for (const frame of decoder.end()) this.receive(frame.toString('utf8'), sender, 'tcp');
    });
    socket.on('error', () => undefined); // a sender resetting its connection is its own business
    socket.on('close', () => this.connections.delete(socket));
  }

  private receive(text: string, sender: string | undefined, transport: Transport): void {
    const raw = text.replace(/[\r\n\0]+$/, '');
    if (raw.trim() === '') return;
    sourceMetrics.syslogMessages.inc({ transport });
    if (this.buffer.length >= this.maxBuffered) {
      sourceMetrics.syslogDropped.inc({ transport });
      return;
    }
    this.buffer.push({ record: syslogRecord(raw, sender), raw, location: `${transport} from ${sender ?? 'unknown'}`, position: { rows: 0 } });
    if (this.buffer.length >= this.maxBuffered && !this.paused) this.setPaused(true);
    if (this.buffer.length >= this.config.chunkSize) void this.flushNow();
    else this.flushTimer ??= setTimeout(() => void this.flushNow(), this.config.syslog.flushMs);
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    for (const socket of this.connections) {
      if (paused) socket.pause();
      else socket.resume();
    }
    this.logger.warn({ buffered: this.buffer.length }, paused ? 'syslog buffer full: pausing TCP senders' : 'syslog buffer drained: resuming TCP senders');
  }

  /** Produces buffered messages batch by batch until the buffer is empty; one flusher at a time. */
  private flushNow(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.chunkSize);
      try {
        const result = await this.rowIngestor.ingestRows(
          TOPICS.networkLogs,
          { kind: 'syslog', name: 'syslog' },
          `syslog-${Date.now().toString(36)}`,
          batch,
        );
        if (this.failures > 0) this.logger.info({ afterFailures: this.failures }, 'syslog batches reach Kafka again');
        this.failures = 0;
        this.stats.read += batch.length;
        this.stats.produced += result.produced;
        this.stats.rejected += result.rejected;
        const labels = { source: 'syslog', topic: TOPICS.networkLogs };
        sourceMetrics.rowsRead.inc(labels, batch.length);
        sourceMetrics.rowsProduced.inc(labels, result.produced);
        sourceMetrics.rowsRejected.inc(labels, result.rejected);
        for (const rejection of result.rejections) {
          this.logger.warn({ location: rejection.location, reason: rejection.message }, `syslog message refused: ${rejection.message}`);
        }
        this.events.emit('progress', { kind: 'syslog', topic: TOPICS.networkLogs, name: 'syslog', stats: { ...this.stats } });
      } catch (error) {
        this.buffer = [...batch, ...this.buffer];
        this.failures++;
        if (this.failures === 1) {
          this.logger.warn({ error: errorMessage(error), buffered: this.buffer.length }, 'cannot produce syslog messages now; retrying');
        }
        if (this.stopping) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** this.failures, MAX_RETRY_DELAY_MS)));
      }
      if (this.paused && this.buffer.length < this.maxBuffered / 2) this.setPaused(false);
    }
  }
}
