// A Server-Sent Events reader for tests: parses the stream as a browser's EventSource would,
// keeping every event with its id, and the last id the stream set (what EventSource would
// send back as Last-Event-ID on reconnecting).

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: unknown;
}

export interface SseStream {
  status: number;
  /** Events not yet taken by `next`, in arrival order. */
  seen: SseEvent[];
  /** The last `id:` the stream set, as EventSource keeps it. */
  lastEventId(): string | undefined;
  /** Every `retry:` value received. */
  retries: number[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  next(event: string, timeoutMs?: number): Promise<SseEvent>;
  close(): Promise<void>;
}

export async function openEvents(url: string, { lastEventId }: { lastEventId?: string } = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    signal: controller.signal,
    headers: lastEventId ? { 'last-event-id': lastEventId } : {},
  });
  const seen: SseEvent[] = [];
  const retries: number[] = [];
  let last: string | undefined = lastEventId;
  let buffer = '';
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data: string | undefined;
          let id: string | undefined;
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon === 0) continue; // a comment (keep-alive)
            const [field, value] =
              colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
            if (field === 'id') id = last = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data = value;
            else if (field === 'retry') retries.push(Number(value));
          }
          if (data !== undefined) seen.push({ id, event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: response.status,
    seen,
    retries,
    ended,
    lastEventId: () => last,
    async next(event, timeoutMs = 3000) {
      const started = Date.now();
      for (;;) {
        const index = seen.findIndex((e) => e.event === event);
        if (index >= 0) return seen.splice(index, 1)[0]!;
        if (Date.now() - started > timeoutMs)
          throw new Error(`no "${event}" event within ${timeoutMs} ms (seen: ${JSON.stringify(seen)})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      controller.abort();
      await ended;
    },
  };
}
