import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { SyslogSend } from '../cases/syslog.cases';

/** Sends syslog input to the stack: UDP datagrams on one socket, each TCP payload on its own connection. */
export async function sendSyslog(port: number, sends: readonly SyslogSend[]): Promise<void> {
  const udp = createSocket('udp4');
  try {
    let sent = 0;
    for (const item of sends) {
      if (item.transport === 'udp') {
        await new Promise<void>((resolve, reject) =>
          udp.send(item.payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
        );
        // A short pause every few datagrams: the test measures the service, not the kernel's buffer.
        if (++sent % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      } else {
        await sendTcp(port, item.payload);
      }
    }
  } finally {
    udp.close();
  }
}

function sendTcp(port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(payload));
    socket.setTimeout(30_000, () => socket.destroy(new Error('syslog TCP send timed out')));
    // The server may close first (it refused the frame): that is its answer, not a test failure.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve() : reject(error),
    );
    socket.on('close', () => resolve());
  });
}

/** A normal RFC 3164 line from `host`: what must still be stored after a bad message. */
export function normalLine(host: string, text = 'a normal line after bad input'): Buffer {
  return Buffer.from(`<13>Nov 24 10:00:00 ${host} corpus: ${text}\n`);
}
