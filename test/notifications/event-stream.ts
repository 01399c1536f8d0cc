// A server-sent events client for tests: connects with fetch (so it can send a bearer token and
// Last-Event-ID), parses events and comments as they arrive, and waits for them by condition.
import { eventually } from '../support/app.ts';

export type StreamEvent = { id: string | undefined; event: string | undefined; data: any };

export type EventStream = {
  status: number;
  contentType: string | null;
  events: StreamEvent[];
  comments: string[];
  /** Waits until at least `count` events have arrived; answers them all. */
  received: (count: number, timeoutMs?: number) => Promise<StreamEvent[]>;
  /** Waits for the `: live` comment: everything until now has been sent. */
  live: () => Promise<void>;
  close: () => Promise<void>;
};

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  let buffer = '';
  const reading = (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: StreamEvent = { id: undefined, event: undefined, data: undefined };
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) data = (data === undefined ? '' : `${data}\n`) + line.slice(6);
          }
          if (data !== undefined) events.push({ ...event, data: JSON.parse(data) });
        }
      }
    } catch {
      // closed by the test
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    comments,
    received: (count, timeoutMs = 15_000) => eventually(() => (events.length >= count ? events : undefined), timeoutMs, `${count} events`),
    live: () => eventually(() => (comments.includes('live') ? true : undefined), 15_000, 'the stream to be live').then(() => undefined),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}
