/**
 * `listen()` reads small bodies ahead for taskport's handlers; any other
 * handler must still find the body on the request, whole and unchanged.
 */

import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { readBodyText } from '../../src/api/shared/read-body.ts';
import { type Listening, listen } from '../../src/node.ts';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveEcho(): Promise<string> {
  const app = new Hono();
  app.post('/json', async (c) => c.json({ got: await c.req.json() }));
  app.post('/text', async (c) => c.text(await c.req.text()));
  app.post('/read-twice', async (c) => {
    const first = await readBodyText(c.req.raw, 1024);
    const second = await readBodyText(c.req.raw, 1024);
    return c.json({ first, second });
  });
  app.post('/limited', async (c) => c.json(await readBodyText(c.req.raw, 8)));
  server = await listen(app);
  return server.url;
}

describe('listen() and request bodies', () => {
  it("a handler reading the web Request's body gets it whole", async () => {
    const url = await serveEcho();
    const body = JSON.stringify({ name: 'é', list: [1, 2, 3] });
    const response = await fetch(`${url}/json`, { method: 'POST', body });
    expect(await response.json()).toEqual({ got: { name: 'é', list: [1, 2, 3] } });
  });

  it('a chunked body (no declared length) still reaches the handler', async () => {
    const url = await serveEcho();
    const parts = ['first ', 'second ', 'third'];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    const response = await fetch(`${url}/text`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(await response.text()).toBe('first second third');
  });

  it('readBodyText gives the same text on a second read of one request', async () => {
    const url = await serveEcho();
    const response = await fetch(`${url}/read-twice`, { method: 'POST', body: 'hello' });
    expect(await response.json()).toEqual({
      first: { tooLarge: false, text: 'hello' },
      second: { tooLarge: false, text: 'hello' },
    });
  });

  it("a body over the reader's limit is refused, and the connection still answers", async () => {
    const url = await serveEcho();
    const response = await fetch(`${url}/limited`, { method: 'POST', body: 'x'.repeat(4096) });
    expect(await response.json()).toEqual({ tooLarge: true });
    const next = await fetch(`${url}/limited`, { method: 'POST', body: 'small' });
    expect(await next.json()).toEqual({ tooLarge: false, text: 'small' });
  });
});
