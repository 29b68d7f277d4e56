/**
 * The `postgres` vitest project's global setup: starts one PostgreSQL server
 * for the whole run and hands its admin URL to every worker. Vitest runs a
 * project's global setup only when the run has test files of that project,
 * so the other suites never pay the server's start-up.
 */

import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's server, on its `postgres` database. */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresAdminUrl', server.adminUrl);
  return () => server.stop();
}
