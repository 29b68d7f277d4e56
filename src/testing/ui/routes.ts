/**
 * The dashboard's routes, mounted with the root control routes under
 * `/_taskport` (so behind the control guard, and per namespace under
 * `/ns/<name>/_taskport`): the page, and the read-only snapshot it shows,
 * once or as a stream.
 */

import { Hono } from 'hono';
import type { FakeControl } from '../control.ts';
import { dashboardPage } from './page.ts';
import { fakeSnapshot } from './snapshot.ts';
import { snapshotStream } from './snapshot-stream.ts';

/** `GET /ui`, `GET /snapshot`, `GET /snapshot/stream`. */
export function uiRoutes(control: FakeControl): Hono {
  const routes = new Hono();
  routes.get('/ui', () => dashboardPage());
  routes.get('/snapshot', async (c) => c.json(await fakeSnapshot(control)));
  routes.get('/snapshot/stream', (c) => snapshotStream(control, c.req.raw.signal));
  return routes;
}
