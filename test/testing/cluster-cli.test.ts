/**
 * `taskport serve --cluster-members <n>`: a simulated CTS Enterprise HA
 * cluster from the command line, and its flags.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { redirectToLeaderMessage } from '../../src/api/cts/messages.ts';
import { clusterOptionsFromCli } from '../../src/testing/cts/cluster/cli.ts';
import { expectJson, http, json, legacyErrorBody, parse } from '../contract/http.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('the cluster flags', () => {
  it('give no cluster without --cluster-members, and refuse the other flags alone', () => {
    expect(clusterOptionsFromCli({}, 8558)).toBeUndefined();
    expect(() => clusterOptionsFromCli({ 'cluster-name': 'x' }, 8558)).toThrow(
      '--cluster-name needs --cluster-members',
    );
  });

  it('put members on the ports after --port, or on free ports with --port 0', () => {
    expect(clusterOptionsFromCli({ 'cluster-members': '3', 'cluster-name': 'x' }, 8558)).toEqual({
      name: 'x',
      members: [{ port: 8559 }, { port: 8560 }, { port: 8561 }],
    });
    expect(clusterOptionsFromCli({ 'cluster-members': '2' }, 0)).toEqual({
      name: 'cts-cluster',
      members: [{ port: 0 }, { port: 0 }],
    });
    expect(
      clusterOptionsFromCli(
        { 'cluster-members': '1', 'cluster-port': '9000', 'cluster-session-ttl': '30s' },
        8558,
      ),
    ).toEqual({ name: 'cts-cluster', members: [{ port: 9000 }], sessionTtlMs: 30_000 });
  });

  it('refuse bad values', () => {
    expect(() => clusterOptionsFromCli({ 'cluster-members': '0' }, 0)).toThrow(
      '--cluster-members must be 1–64',
    );
    expect(() =>
      clusterOptionsFromCli({ 'cluster-members': '2', 'cluster-port': '65535' }, 0),
    ).toThrow('--cluster-port must leave room for 2 ports');
    expect(() =>
      clusterOptionsFromCli({ 'cluster-members': '2', 'cluster-session-ttl': 'soon' }, 0),
    ).toThrow();
  });
});

describe('taskport serve --cluster-members', () => {
  const children: ChildProcess[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('serves a cluster whose members answer on their own ports, with failover over HTTP', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'serve',
        '--port',
        '0',
        '--virtual-clock',
        '--cluster-members',
        '2',
        '--cluster-name',
        'cli-cluster',
      ],
      // Bounded: the process is killed if the test forgets it.
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
    );
    children.push(child);
    const lines = await new Promise<{ url: string; members: [string, string][] }>(
      (resolve, reject) => {
        let stdout = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
          const members = [
            ...stdout.matchAll(
              /member (cts-\d+)(?: \(leader\))? at (http:\/\/127\.0\.0\.1:\d+)\n/g,
            ),
          ].map((match) => [match[1], match[2]] as [string, string]);
          if (url !== undefined && members.length === 2) resolve({ url, members });
        });
        child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${stdout}`)));
      },
    );
    const [[, leaderUrl], [, followerUrl]] = lines.members as [[string, string], [string, string]];
    const leaderPort = new URL(leaderUrl).port;
    expectJson(
      await http(followerUrl, 'GET', '/v1/tasks'),
      400,
      legacyErrorBody(redirectToLeaderMessage('cts-01', `127.0.0.1:${leaderPort}`)),
    );
    const cluster = parse<{ cluster_name: string }>(
      await http(followerUrl, 'GET', '/v1/status/cluster'),
    );
    expect(cluster.cluster_name).toBe('cli-cluster');

    await http(lines.url, 'POST', '/_taskport/cts/cluster/failover');
    await http(lines.url, 'POST', '/_taskport/clock/advance', json({ ms: 15_000 }));
    await http(lines.url, 'POST', '/_taskport/wait-for-idle');
    expect((await http(followerUrl, 'GET', '/v1/tasks')).status).toBe(200);
    child.kill('SIGTERM');
  }, 30_000);
});
