// The local test SMS provider: a real HTTP server speaking the documented JSON webhook (`POST` with `{to, from, text,
// reference}` and a bearer token; answers `{id}`), keeping every message it accepts. It can refuse the next ones.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentSms {
  id: string;
  to: string;
  from: string | null;
  text: string;
  reference: string;
  authorization: string | undefined;
}

export interface SmsProvider {
  url: string;
  messages: SentSms[];
  /** Answers the next `count` messages with this status instead of accepting them. */
  refuseNext(count: number, status: number): void;
  close(): Promise<void>;
}

export async function startSmsProvider(): Promise<SmsProvider> {
  const messages: SentSms[] = [];
  let refusals: { count: number; status: number } = { count: 0, status: 500 };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (refusals.count > 0) {
        refusals.count--;
        response.writeHead(refusals.status, { 'content-type': 'application/json' }).end('{"error":"refused"}');
        return;
      }
      const parsed = JSON.parse(body) as Omit<SentSms, 'id' | 'authorization'>;
      const id = `sms-${messages.length + 1}`;
      messages.push({ ...parsed, id, authorization: request.headers.authorization });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    messages,
    refuseNext: (count, status) => (refusals = { count, status }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
