import { SyslogFrameDecoder } from './syslog-frame.decoder';

const text = (frames: Buffer[]) => frames.map((frame) => frame.toString('utf8'));

describe(SyslogFrameDecoder.name, () => {
  it('splits newline-framed messages, tolerating CRLF, NUL and blank lines', () => {
    const sut = new SyslogFrameDecoder();
    expect(text(sut.push(Buffer.from('<13>one\n<13>two\r\n\n<13>three\0\n<13>fo')))).toEqual([
      '<13>one',
      '<13>two',
      '<13>three',
    ]);
    expect(text(sut.push(Buffer.from('ur\n')))).toEqual(['<13>four']);
  });

  it('reads octet-counted frames, also split across chunks and with newlines inside', () => {
    const sut = new SyslogFrameDecoder();
    const first = '<13>1 - h a - - - multi\nline';
    const frames = `${Buffer.byteLength(first)} ${first}10 <13>second`;
    const bytes = Buffer.from(frames);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...text(sut.push(bytes.subarray(i, i + 3))));
    expect(out).toEqual([first, '<13>second']);
  });

  it('counts bytes, not characters', () => {
    const message = '<13>héllo wörld';
    expect(text(new SyslogFrameDecoder().push(Buffer.from(`${Buffer.byteLength(message)} ${message}`)))).toEqual([
      message,
    ]);
  });

  it('switches framing per message', () => {
    const sut = new SyslogFrameDecoder();
    expect(text(sut.push(Buffer.from('5 <13>a<13>lf framed\n3 <1>')))).toEqual(['<13>a', '<13>lf framed', '<1>']);
  });

  it('treats a line starting with digits but no priority as newline-framed', () => {
    expect(text(new SyslogFrameDecoder().push(Buffer.from('42 apples\n')))).toEqual(['42 apples']);
  });

  it('cuts an overlong newline-framed message and skips the rest of it', () => {
    const sut = new SyslogFrameDecoder(10);
    expect(text(sut.push(Buffer.from('<13>0123456789abcdef')))).toEqual(['<13>012345']);
    expect(text(sut.push(Buffer.from('more of it\n<13>next\n')))).toEqual(['<13>next']);
  });

  it('cuts an overlong octet-counted message and skips the rest of it', () => {
    const sut = new SyslogFrameDecoder(8);
    expect(text(sut.push(Buffer.from('20 <13>0123456789abcdef<13>ok\n')))).toEqual(['<13>0123', '<13>ok']);
  });

  it('returns a last message without newline when the connection ends', () => {
    const sut = new SyslogFrameDecoder();
    expect(sut.push(Buffer.from('<13>last words'))).toEqual([]);
    expect(text(sut.end())).toEqual(['<13>last words']);
    expect(sut.end()).toEqual([]);
  });

  it('returns what arrived of a cut-short octet-counted frame at the end', () => {
    const sut = new SyslogFrameDecoder();
    expect(sut.push(Buffer.from('100 <13>partial'))).toEqual([]);
    expect(text(sut.end())).toEqual(['<13>partial']);
  });
});
