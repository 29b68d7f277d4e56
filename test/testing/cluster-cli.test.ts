/**
 * `taskport serve --cluster-members <n>`: a simulated CTS Enterprise HA
 * cluster from the command line, and its flags.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { redirectToLeaderMessage } from '../../src/api/cts/messages.ts';
import { clusterOptionsFromCli } from '../../src/testing/cts/cluster/cli.ts';
import { parseCtsConfig } from '../../src/testing/cts/config-file.ts';
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

const HA_CONFIG = `
id   = "cts-01"
port = 8558

consul {
  service_registration {
    service_name = "cts-cluster"
  }
}

high_availability {
  cluster {
    name = "cts-cluster"
    storage "consul" {
      parent_path = "cts"
      namespace   = "ns"
      session_ttl = "30s"
    }
  }
  instance {
    address = "cts-01.example.com"
  }
}

task {
  name   = "web"
  module = "org/mod/aws"
  condition "services" {
    names = ["api"]
  }
}
`;

/** Nested HCL blocks need a line each. */
const NAMED = 'high_availability {\n  cluster {\n    name = "c"\n  }\n}\n';

describe('the high_availability block of a config file', () => {
  it('is read from HCL (research/cts-ha.md §5.1)', async () => {
    const file = await parseCtsConfig(HA_CONFIG, 'cts.hcl');
    expect(file).toMatchObject({
      id: 'cts-01',
      serviceName: 'cts-cluster',
      highAvailability: {
        clusterName: 'cts-cluster',
        storage: { type: 'consul', parentPath: 'cts', namespace: 'ns', sessionTtl: '30s' },
        instanceAddress: 'cts-01.example.com',
      },
    });
    expect(file.tasks.map((task) => task.name)).toEqual(['web']);
    const bare = await parseCtsConfig(NAMED, 'c.hcl');
    expect(bare.highAvailability).toEqual({ clusterName: 'c' });
    expect((await parseCtsConfig('task { name = "t" }', 't.hcl')).highAvailability).toBeUndefined();
  });

  it('alone serves a cluster of 3, the file describing the first member', async () => {
    const file = await parseCtsConfig(HA_CONFIG, 'cts.hcl');
    expect(clusterOptionsFromCli({}, 8558, file)).toEqual({
      name: 'cts-cluster',
      members: [
        { id: 'cts-01', address: 'cts-01.example.com', port: 8559 },
        { id: 'cts-02', port: 8560 },
        { id: 'cts-03', port: 8561 },
      ],
      sessionTtlMs: 30_000,
      serviceName: 'cts-cluster',
    });
  });

  it('gives way to the flags', async () => {
    const file = await parseCtsConfig(
      HA_CONFIG.replace('id   = "cts-01"', 'id = "cts-02"'),
      'cts.hcl',
    );
    expect(
      clusterOptionsFromCli(
        {
          'cluster-members': '2',
          'cluster-name': 'flagged',
          'cluster-session-ttl': '20s',
          'cluster-port': '9000',
        },
        0,
        file,
      ),
    ).toMatchObject({
      name: 'flagged',
      members: [
        { id: 'cts-02', port: 9000 },
        { id: 'cts-01', port: 9001 },
      ],
      sessionTtlMs: 20_000,
    });
    // Without an id, members keep the default ids by position.
    const anonymous = await parseCtsConfig(NAMED, 'c.hcl');
    expect(clusterOptionsFromCli({ 'cluster-members': '2' }, 0, anonymous)).toEqual({
      name: 'c',
      members: [{ port: 0 }, { port: 0 }],
    });
    // A file without the block changes nothing.
    const plain = await parseCtsConfig('task { name = "t" }', 't.hcl');
    expect(clusterOptionsFromCli({}, 8558, plain)).toBeUndefined();
  });

  it('is refused without a cluster name, or with the local backend', async () => {
    const unnamed = await parseCtsConfig(
      'high_availability {\n  instance {\n    address = "a"\n  }\n}\n',
      'u.hcl',
    );
    expect(() => clusterOptionsFromCli({}, 0, unnamed)).toThrow('needs cluster { name');
    const local = await parseCtsConfig(
      `driver "terraform" {\n  backend "local" {}\n}\n${NAMED}`,
      'l.hcl',
    );
    expect(local.terraformBackend).toBe('local');
    expect(() => clusterOptionsFromCli({}, 0, local)).toThrow('local Terraform backend');
    const ttl = await parseCtsConfig(
      'high_availability {\n  cluster {\n    name = "c"\n    storage "consul" {\n      session_ttl = "soon"\n    }\n  }\n}\n',
      't.hcl',
    );
    expect(() => clusterOptionsFromCli({}, 0, ttl)).toThrow();
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

  it('serves the cluster a config file’s high_availability block describes, and seeds its tasks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'taskport-ha-'));
    try {
      const file = join(dir, 'cts.hcl');
      await writeFile(file, HA_CONFIG);
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
          '--config',
          file,
        ],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
      );
      children.push(child);
      const members = await new Promise<string[]>((resolve, reject) => {
        let stdout = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const found = [
            ...stdout.matchAll(
              /CTS cluster cts-cluster member (cts-\d+)(?: \(leader\))? at (\S+)\n/g,
            ),
          ].map((match) => `${match[1]} ${match[2]}`);
          if (found.length === 3) resolve(found);
        });
        child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${stdout}`)));
      });
      const [leaderId, leaderUrl] = (members[0] as string).split(' ') as [string, string];
      const followerUrl = (members[1] as string).split(' ')[1] as string;
      expect(leaderId).toBe('cts-01');
      // The leader advertises the file's instance.address.
      expectJson(
        await http(followerUrl, 'GET', '/v1/tasks'),
        400,
        legacyErrorBody(
          redirectToLeaderMessage('cts-01', `cts-01.example.com:${new URL(leaderUrl).port}`),
        ),
      );
      const cluster = parse<{ members: { id: string; address?: string; service_name: string }[] }>(
        await http(followerUrl, 'GET', '/v1/status/cluster'),
      );
      expect(
        cluster.members.map((member) => [member.id, member.address, member.service_name]),
      ).toEqual([
        ['cts-01', 'cts-01.example.com', 'cts-cluster'],
        ['cts-02', undefined, 'cts-cluster'],
        ['cts-03', undefined, 'cts-cluster'],
      ]);
      const tasks = parse<{ tasks: { name: string }[] }>(await http(leaderUrl, 'GET', '/v1/tasks'));
      expect(tasks.tasks.map((task) => task.name)).toEqual(['web']);
      child.kill('SIGTERM');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
