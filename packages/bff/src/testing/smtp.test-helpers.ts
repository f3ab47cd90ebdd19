// A real SMTP server on loopback (the smtp-server package) that keeps every message it receives, parsed with
// mailparser, behind a small TCP proxy that can hang or answer garbage. Faults by SMTP stage: 'CONNECT 421',
// 'AUTH 535', 'MAIL 553', 'RCPT 550', 'RCPT 452', 'DATA 554'.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Fault } from './faults.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface TestSmtpServer {
  /** The proxy's port: point the transport here. */
  port: number;
  user: string;
  pass: string;
  received: ReceivedMail[];
  /** The code of the last message to `to`, read from its origin-bound line or its text part. */
  lastCode(to: string): string | undefined;
  sent(to: string): number;
  inject(fault: Fault<string | number>): void;
  close(): Promise<void>;
}

type Stage = 'CONNECT' | 'AUTH' | 'MAIL' | 'RCPT' | 'DATA';

function smtpFailure(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const user = 'otpkit-mailer';
  const pass = 'smtp-test-password-7c1d2e3f';
  const received: ReceivedMail[] = [];
  const codeFaults: { stage: Stage; code: number }[] = [];
  const streamFaults: ('hang' | 'garbage')[] = [];

  /** Takes the first queued fault for this stage. */
  const take = (stage: Stage) => {
    const index = codeFaults.findIndex((f) => f.stage === stage);
    return index < 0 ? undefined : codeFaults.splice(index, 1)[0];
  };

  const options: SMTPServerOptions = {
    // Plain SMTP on loopback: no STARTTLS (its self-signed certificate would be refused), AUTH allowed anyway.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, callback) {
      const fault = take('CONNECT');
      callback(fault ? smtpFailure(fault.code, 'Service not available') : undefined);
    },
    onAuth(auth, _session, callback) {
      const fault = take('AUTH');
      if (fault || auth.username !== user || auth.password !== pass) {
        callback(smtpFailure(fault?.code ?? 535, 'Authentication credentials invalid'));
        return;
      }
      callback(null, { user });
    },
    onMailFrom(_address, _session, callback) {
      const fault = take('MAIL');
      callback(fault ? smtpFailure(fault.code, 'Sender rejected') : undefined);
    },
    onRcptTo(address, _session, callback) {
      const fault = take('RCPT');
      // The real text echoes the address, as servers do: the provider must keep it out of its errors.
      callback(fault ? smtpFailure(fault.code, `<${address.address}>: Recipient address rejected`) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const fault = take('DATA');
        if (fault) {
          callback(smtpFailure(fault.code, 'Message rejected'));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          parsed: await simpleParser(raw),
          raw,
        });
        callback();
      });
    },
  };
  const smtp = new SMTPServer(options);
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;

  // The proxy: passes connections through, or takes a stream fault.
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    const fault = streamFaults.shift();
    if (fault === 'hang') return; // accepted, never a word
    if (fault === 'garbage') {
      client.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n<html>hello</html>\r\n');
      return;
    }
    const upstream = connect(smtpPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;

  const to = (mail: ReceivedMail, address: string) => mail.to.includes(address);
  return {
    port,
    user,
    pass,
    received,
    lastCode(address) {
      const mail = received.findLast((m) => to(m, address));
      const text = mail?.parsed.text ?? '';
      return /#(\d{4,10})\s*$/.exec(text)?.[1] ?? /^(\d{4,10})$/m.exec(text)?.[1];
    },
    sent: (address) => received.filter((m) => to(m, address)).length,
    inject(fault) {
      if (fault === 'hang' || fault === 'garbage') streamFaults.push(fault);
      else if (typeof fault === 'object') {
        const [stage, code] = String(fault.code).split(' ') as [Stage, string];
        codeFaults.push({ stage, code: Number(code) });
      } else throw new Error(`the SMTP server cannot produce ${fault}`);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
