/**
 * One server under test, run as a child process of the HTTP benches and
 * driven over IPC:
 *
 *   → { type: 'start', spec }   ← { type: 'ready', port }
 *   → { type: 'cpu' }           ← { type: 'cpu', user, system }   (µs, process.cpuUsage())
 *   → { type: 'profile-start', intervalUs } ← { type: 'profiling' }   V8's CPU profiler (what --cpu-prof runs),
 *   → { type: 'profile-stop', path }        ← { type: 'profiled', path }  for the measured window only
 *   → { type: 'exit' }          the server closes and the process exits (a --cpu-prof profile is written)
 *
 * Kinds: `raw` (node:http, the floor), `hono` (Hono on @hono/node-server,
 * the framework cost), `fake` (startFakeServer(), every dialect mounted,
 * on a real clock unless the spec says `clock: 'virtual'`).
 * The baselines answer one route with the same headers and JSON the fake
 * sends, serialised per request as the fake does.
 */

import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';

/** The route a baseline serves. */
export interface BaselineRoute {
  readonly method: 'GET' | 'POST';
  /** A Hono pattern, e.g. `/v1/tasks/:name`; the raw server matches the part before any `:`. */
  readonly pattern: string;
  readonly status: number;
  /** GET: the response object, serialised on every request. */
  readonly body?: unknown;
  /**
   * POST: parse the request body as JSON, take `task.name` (refusing a
   * duplicate), and answer `{ request_id, task: { ...postTemplate, name } }`.
   */
  readonly postTemplate?: Record<string, unknown>;
  /**
   * POST with `body` and no `postTemplate`: parse the request body as JSON and
   * answer `body` (`'fixed'`, e.g. Ona's ListTasks), or answer it with a new
   * `taskExecution.id` kept in a Map (`'new-execution'`, Ona's StartTask).
   * @default 'fixed'
   */
  readonly postAnswer?: 'fixed' | 'new-execution';
  /** Extra response headers (CTS's CORS labels). */
  readonly headers: Readonly<Record<string, string>>;
  /** @default 'application/json' */
  readonly contentType?: string;
  /** CTS ends its JSON with a newline (Go's json.Encoder); tfc and Ona do not. @default true */
  readonly trailingNewline?: boolean;
}

/** What to start. */
export type ServerSpec =
  | { readonly kind: 'raw' | 'hono'; readonly route: BaselineRoute }
  | { readonly kind: 'fake'; readonly clock?: 'real' | 'virtual' };

export type ParentMessage =
  | { type: 'start'; spec: ServerSpec }
  | { type: 'cpu' }
  | { type: 'profile-start'; intervalUs: number }
  | { type: 'profile-stop'; path: string }
  | { type: 'exit' };
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'cpu'; user: number; system: number }
  | { type: 'profiling' }
  | { type: 'profiled'; path: string }
  | { type: 'failed'; message: string };

const REQUEST_ID = '00000000-0000-0000-0000-000000000000';

interface PostOutcome {
  readonly status: number;
  readonly text: string;
}

/** The baselines' whole POST handler body: parse, check, store, represent. */
function makePostHandler(route: BaselineRoute): (body: string) => PostOutcome {
  if (route.postTemplate === undefined) return makeAnswerHandler(route);
  const names = new Set<string>();
  return (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { status: 400, text: '{"error":{"message":"bad json"}}\n' };
    }
    const name = (parsed as { task?: { name?: unknown } } | null)?.task?.name;
    if (typeof name !== 'string' || names.has(name))
      return { status: 400, text: '{"error":{"message":"bad name"}}\n' };
    names.add(name);
    const task = { ...route.postTemplate, name };
    return {
      status: route.status,
      text: `${JSON.stringify({ request_id: REQUEST_ID, task })}\n`,
    };
  };
}

/** POST without a template: parse the body, then answer the captured body (or a new execution from it). */
function makeAnswerHandler(route: BaselineRoute): (body: string) => PostOutcome {
  const newline = route.trailingNewline === false ? '' : '\n';
  const executions = new Map<string, { taskId: unknown; atMs: number }>();
  const template = route.body as { taskExecution?: Record<string, unknown> } | undefined;
  return (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { status: 400, text: '{"code":"invalid_argument","message":"bad json"}' };
    }
    if (route.postAnswer !== 'new-execution')
      return { status: route.status, text: `${JSON.stringify(route.body)}${newline}` };
    const id = crypto.randomUUID();
    executions.set(id, { taskId: (parsed as { id?: unknown } | null)?.id, atMs: Date.now() });
    return {
      status: route.status,
      text: `${JSON.stringify({ ...template, taskExecution: { ...template?.taskExecution, id } })}${newline}`,
    };
  };
}

function startRaw(route: BaselineRoute): Promise<number> {
  const prefix = route.pattern.split(':')[0] as string;
  const exact = !route.pattern.includes(':');
  const post = makePostHandler(route);
  const contentType = route.contentType ?? 'application/json';
  const newline = route.trailingNewline === false ? '' : '\n';
  const send = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, {
      ...route.headers,
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const matches = exact
      ? path === prefix
      : path.startsWith(prefix) && path.length > prefix.length;
    if (req.method !== route.method || !matches) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    if (route.method === 'GET') {
      send(res, route.status, `${JSON.stringify(route.body)}${newline}`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const outcome = post(Buffer.concat(chunks).toString('utf8'));
      send(res, outcome.status, outcome.text);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

async function startHono(route: BaselineRoute): Promise<number> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  const headers = { ...route.headers, 'content-type': route.contentType ?? 'application/json' };
  const newline = route.trailingNewline === false ? '' : '\n';
  if (route.method === 'GET') {
    app.get(route.pattern, (c) =>
      // A fresh object per response: with a single header Hono hands the object itself
      // to @hono/node-server, which then adds a numeric content-length to it.
      c.body(`${JSON.stringify(route.body)}${newline}`, route.status as 200, { ...headers }),
    );
  } else {
    const post = makePostHandler(route);
    app.post(route.pattern, async (c) => {
      const outcome = post(await c.req.text());
      return c.body(outcome.text, outcome.status as 201, { ...headers });
    });
  }
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port));
  });
}

async function startFake(clock: 'real' | 'virtual' = 'real'): Promise<number> {
  const { startFakeServer } = await import('../../src/testing/index.ts');
  const fake = await startFakeServer({ clock });
  return fake.port;
}

function reply(message: ChildMessage): void {
  process.send?.(message);
}

let session: Session | undefined;

async function startProfile(intervalUs: number): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
}

async function stopProfile(path: string): Promise<void> {
  if (session === undefined) throw new Error('not profiling');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  writeFileSync(path, JSON.stringify(profile));
}

function failed(error: unknown): void {
  reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'profile-start') {
    startProfile(message.intervalUs).then(() => reply({ type: 'profiling' }), failed);
  } else if (message.type === 'profile-stop') {
    stopProfile(message.path).then(() => reply({ type: 'profiled', path: message.path }), failed);
  } else if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    reply({ type: 'cpu', user, system });
  } else if (message.type === 'exit') {
    process.exit(0);
  } else if (message.type === 'start') {
    const { spec } = message;
    const started =
      spec.kind === 'fake'
        ? startFake(spec.clock)
        : spec.kind === 'raw'
          ? startRaw(spec.route)
          : startHono(spec.route);
    started.then((port) => reply({ type: 'ready', port }), failed);
  }
});
// The parent going away takes the server with it.
process.on('disconnect', () => process.exit(0));
