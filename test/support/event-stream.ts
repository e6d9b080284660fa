// A browser's EventSource, as tests need it: opens a server-sent event stream and collects its events as they come,
// with the time each arrived (performance.now()), until the server ends it or the test closes it.
import { expect } from 'vitest';

export interface StreamEvent {
  type: string;
  id?: string;
  data: unknown;
  at: number;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let text = '';
  const done = (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          const type = field('event');
          if (type) events.push({ type, id: field('id'), data: JSON.parse(field('data') ?? 'null'), at: performance.now() });
        }
      }
    } catch {
      // Aborted by the test.
    }
  })();
  return { events, close: () => controller.abort(), done };
}
