/**
 * CPU time of the PostgreSQL server: the postmaster and every backend and
 * auxiliary process it forked, from /proc (Linux). Backends that exited
 * count too: the postmaster reaps them, so their time is in its
 * `cutime`/`cstime`. And the whole machine's busy time, to tell how much of
 * the machine was someone else's meanwhile.
 */

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The fields of /proc/<pid>/stat after the command name, 0-based from `state`. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const PPID = 1;
const UTIME = 11;
const STIME = 12;
const CUTIME = 13;
const CSTIME = 14;

/** Reads the server's CPU; undefined where /proc is not there. */
export class ServerCpu {
  readonly #postmaster: number;

  private constructor(postmaster: number) {
    this.#postmaster = postmaster;
  }

  /** Finds the postmaster as the parent of `client`'s backend. */
  static async find(client: pg.Client | pg.Pool): Promise<ServerCpu | undefined> {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0]?.pid;
    const fields = backend === undefined ? undefined : statFields(backend);
    const postmaster = Number(fields?.[PPID]);
    return Number.isInteger(postmaster) && postmaster > 1 ? new ServerCpu(postmaster) : undefined;
  }

  /** CPU ms used so far by the server and every process it forked. */
  cpuMs(): number {
    const own = statFields(this.#postmaster);
    if (own === undefined) return Number.NaN;
    let ticks = [UTIME, STIME, CUTIME, CSTIME].reduce((sum, i) => sum + Number(own[i]), 0);
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const fields = statFields(pid);
      if (fields === undefined || Number(fields[PPID]) !== this.#postmaster) continue;
      ticks += Number(fields[UTIME]) + Number(fields[STIME]);
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
  }
}

/** CPU ms the whole machine spent busy so far (every core; /proc/stat), NaN without /proc. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...fields] = line.trim().split(/\s+/);
    const ticks = fields.slice(0, 8).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return ((total - idle) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
