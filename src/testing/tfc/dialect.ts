/**
 * The `tfc` dialect as the fake server serves it: the run tasks API under
 * `/api/v2` (and Terraform's service discovery), its control routes under
 * `/_taskport/tfc`. Its runs wait on webhooks, real I/O.
 */

import type { FakeDialect } from '../fake-dialect.ts';
import { tfcControlOpenApi } from './control-openapi.ts';
import { tfcSnapshot } from './snapshot.ts';
import { createTfcFake, type TfcFake, type TfcFakeOptions } from './tfc-fake.ts';

/** The fake's `tfc` dialect. */
export const tfcDialect: FakeDialect<TfcFakeOptions, TfcFake> = {
  title: 'Terraform Cloud run tasks (/api/v2)',
  // Requests to run tasks are real HTTP: the virtual clock cannot see them.
  waitsOn: 'io',
  claim(path, method) {
    if (path.startsWith('/api/v2/')) return 'tfc';
    if (path === '/.well-known/terraform.json' && (method === 'GET' || method === 'HEAD'))
      return 'tfc';
    return undefined;
  },
  handler: (world) => world.app.fetch,
  create: ({ clock }, options) => createTfcFake(clock, options),
  controlOpenApi: tfcControlOpenApi,
  snapshot: (world) => Promise.resolve(tfcSnapshot(world.control)),
  startHint: { path: '/api/v2', example: (url) => `curl ${url}/api/v2/ping` },
};
