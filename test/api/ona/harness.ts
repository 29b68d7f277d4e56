/**
 * A listening Ona fake for the SDK suites: the API under `/api`, the control
 * routes under `/_taskport/ona`, a virtual clock, and an `@gitpod/sdk` client
 * with retries off.
 */

import Gitpod from '@gitpod/sdk';
import { Hono } from 'hono';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';
import { listen } from '../../../src/node.ts';
import type { OnaFakeOptions } from '../../../src/testing/ona/ona-fake.ts';
import { createOnaFake, type OnaFake } from '../../../src/testing/ona/ona-fake.ts';

export interface Harness extends AsyncDisposable {
  readonly url: string;
  readonly clock: VirtualClock;
  readonly fake: OnaFake;
  readonly client: Gitpod;
  readonly tasks: Gitpod['environments']['automations']['tasks'];
  readonly executions: Gitpod['environments']['automations']['tasks']['executions'];
  /** An environment the fake knows. */
  readonly environmentId: string;
  /** A client with another token. */
  clientWith(token: string): Gitpod;
  close(): Promise<void>;
}

export const TOKEN = 'test-token';

export async function startHarness(options: OnaFakeOptions = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const fake = createOnaFake(clock, options);
  const app = new Hono().route('/api', fake.app).route('/_taskport/ona', fake.controlRoutes);
  const server = await listen(app);
  const clientWith = (token: string): Gitpod =>
    new Gitpod({ baseURL: `${server.url}/api`, bearerToken: token, maxRetries: 0 });
  const client = clientWith(TOKEN);
  const environmentId = fake.control.createEnvironment({ name: 'main' }).id;
  const close = async (): Promise<void> => {
    await server.close();
    await fake.close();
  };
  return {
    url: server.url,
    clock,
    fake,
    client,
    tasks: client.environments.automations.tasks,
    executions: client.environments.automations.tasks.executions,
    environmentId,
    clientWith,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A CreateTask body with sensible defaults. */
export function taskBody(
  environmentId: string,
  reference: string,
  extra: { dependsOn?: string[]; command?: string; name?: string } = {},
) {
  return {
    environmentId,
    metadata: { reference, name: extra.name ?? `Task ${reference}` },
    spec: { command: extra.command ?? `echo ${reference}` },
    ...(extra.dependsOn === undefined ? {} : { dependsOn: extra.dependsOn }),
  };
}
