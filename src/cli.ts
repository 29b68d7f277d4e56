#!/usr/bin/env node
/**
 * `taskport serve`: the fake server from the command line.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import {
  bufferPeriodSettingsFromRequest,
  finalizeGlobalBufferPeriod,
} from './api/cts/buffer-period.ts';
import { parseGoDuration } from './api/cts/go/duration.ts';
import type { Coordination } from './engine/coordination.ts';
import type { Store } from './engine/store.ts';
import { isLoopbackHost } from './testing/control-guard.ts';
import { exposedHostWarning } from './testing/control-messages.ts';
import {
  CLUSTER_USAGE,
  clusterOptionsFromCli,
  describeMembers,
} from './testing/cts/cluster/cli.ts';
import { ALL_DIALECTS, FAKE_DIALECTS } from './testing/dialects.ts';
import { startFakeServer } from './testing/fake-server.ts';
import { startLines } from './testing/start-lines.ts';

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Greedy word wrap at `width` columns, the width of the usage text. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

// The dialects come from the fake's registry, so a new one appears here by itself.
const SERVES = wrap(
  `Serves the fake ${listed(ALL_DIALECTS.map((name) => FAKE_DIALECTS[name].title))} APIs, the control API under /_taskport/, and its dashboard at /_taskport/ui.`,
  84,
);

const USAGE = `Usage: taskport serve [options]

${SERVES}

Options:
  --port <n>         port to listen on (default 8558; 0 picks a free one)
  --host <addr>      address to listen on (default 127.0.0.1; another address warns that
                     the control API is then open to whoever reaches it)
  --control-token <token>
                     require this token on /_taskport/ requests, as Authorization: Bearer
                     <token> or X-Taskport-Token: <token> (default: $TASKPORT_CONTROL_TOKEN);
                     the dashboard takes it as /_taskport/ui#token=<token>
  --allowed-host <name>
                     answer control requests with this Host name too (repeatable; '*' any):
                     for a fake behind a proxy; loopback names are always allowed
  --config <file>    seed tasks from a CTS HCL config, HCL JSON, or a JSON array of tasks;
                     they run once, in order, before the server answers triggers (its
                     high_availability block starts a cluster: see --cluster-members)
  --virtual-clock    time moves only through POST /_taskport/clock/advance
  --enterprise       serve as CTS Enterprise (accept terraform_version, terraform_cloud_workspace)
${CLUSTER_USAGE}  --automations <file>
                     seed an Ona environment's tasks from an automations.yaml file
  --store <url>      keep the fake's state in PostgreSQL (postgres://…): CTS tasks and
                     events, tfc organizations, run tasks, runs and results, Ona tasks,
                     executions and environments survive a restart; a reset deletes them
                     (the default namespace only: the others live in memory)
  --environment <id> the id of that Ona environment (created if needed; default: a new one)
  --cts-ha           with --store: this process is one CTS Enterprise HA instance, and the
                     processes on that database with the same cluster name are the cluster
                     (one leader through a lease in the database; followers answer with
                     CTS's redirect); --cluster-name and --cluster-session-ttl apply, and a
                     --config's high_availability block gives the defaults
  --cts-id <id>      this instance's id with --cts-ha (default: the config's, else
                     cts-<hostname>); distinct per process
  --cts-address <addr>
                     its high_availability.instance.address, named in redirects (default:
                     the config's, else --host)
  --max-namespaces <n>
                     namespaces served besides the default, each picked by the header
                     x-taskport-namespace or the path prefix /ns/<name>/ (default 64)
  --tfc-token <token>
                     a bearer token the tfc API accepts for every organization, kept across
                     resets (repeatable)
  -h, --help         show this help
`;

/** What `--store` opens: a store per world that keeps engine tasks (see src/postgres/README.md). */
interface FakeStorage {
  /** CTS's tasks and events, and tfc's records (tfc keeps no engine tasks). */
  readonly store: Store;
  /** Ona's tasks, execution records and environments, in a schema of their own. */
  readonly onaStore: Store;
  /** Leases on the database clock: the CTS HA lock (`--cts-ha`). */
  readonly coordination: Coordination;
  close(): Promise<void>;
}

/**
 * The schema of the Ona world's tables. Its engine tasks must not share a
 * task table with CTS's: CTS's overall status counts every task of its store.
 */
const ONA_SCHEMA = 'taskport_ona';

/** `--store postgres://…`: the fake's worlds in PostgreSQL (loaded only then). */
async function openStorage(url: string | undefined): Promise<FakeStorage | undefined> {
  if (url === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new Error(`--store takes a postgres:// connection string, got ${JSON.stringify(url)}`);
  const { createPostgresStorage } = await import('./postgres/storage.ts');
  const storage = createPostgresStorage({ connectionString: url });
  const ona = createPostgresStorage({ pool: storage.pool, schema: ONA_SCHEMA });
  try {
    await storage.migrate();
    await ona.migrate();
  } catch (error) {
    await ona.close();
    await storage.close();
    throw error;
  }
  return {
    store: storage.store,
    onaStore: ona.store,
    coordination: storage.coordination,
    async close() {
      // The Ona storage uses the other's pool: closed first, the pool ends with the second.
      await ona.close();
      await storage.close();
    },
  };
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8558' },
      host: { type: 'string', default: '127.0.0.1' },
      'control-token': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      config: { type: 'string' },
      'virtual-clock': { type: 'boolean', default: false },
      enterprise: { type: 'boolean', default: false },
      'cluster-members': { type: 'string' },
      'cluster-name': { type: 'string' },
      'cluster-port': { type: 'string' },
      'cluster-session-ttl': { type: 'string' },
      automations: { type: 'string' },
      environment: { type: 'string' },
      store: { type: 'string' },
      'tfc-token': { type: 'string', multiple: true },
      'max-namespaces': { type: 'string' },
      'cts-ha': { type: 'boolean', default: false },
      'cts-id': { type: 'string' },
      'cts-address': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);
  const maxNamespaces =
    values['max-namespaces'] === undefined ? undefined : Number(values['max-namespaces']);
  if (maxNamespaces !== undefined && !(Number.isSafeInteger(maxNamespaces) && maxNamespaces >= 0))
    throw new Error(
      `--max-namespaces must be a non-negative integer, got ${values['max-namespaces']}`,
    );
  // Loaded only when needed: the HCL parser (WebAssembly) costs half a second of start-up.
  const config =
    values.config === undefined
      ? undefined
      : await (await import('./testing/cts/config-file.ts')).parseCtsConfig(
          await readFile(values.config, 'utf8'),
          values.config,
        );
  const processHa = values['cts-ha'];
  if (processHa && values.store === undefined) throw new Error('--cts-ha needs --store');
  if (!processHa && (values['cts-id'] !== undefined || values['cts-address'] !== undefined))
    throw new Error('--cts-id and --cts-address need --cts-ha');
  if (processHa && values['cluster-members'] !== undefined)
    throw new Error('--cts-ha and --cluster-members exclude each other');
  // A config with a high_availability block serves a cluster (see CLUSTER_USAGE),
  // unless this process is one member of a cluster of processes.
  const cluster = processHa ? undefined : clusterOptionsFromCli(values, port, config);
  const allowedHosts = values['allowed-host'] ?? [];
  const storage = await openStorage(values.store);
  const controlToken = values['control-token'] ?? (process.env.TASKPORT_CONTROL_TOKEN || undefined);
  const ha = config?.highAvailability;
  const sessionTtl = values['cluster-session-ttl'] ?? ha?.storage?.sessionTtl;
  const server = await startFakeServer({
    port,
    host: values.host,
    allowedHosts: allowedHosts.includes('*') ? true : allowedHosts,
    controlToken,
    clock: values['virtual-clock'] ? 'virtual' : 'real',
    tfc: {
      tokens: (values['tfc-token'] ?? []).map((token) => ({ token })),
      ...(storage === undefined ? {} : { store: storage.store }),
    },
    maxNamespaces,
    cts: {
      enterprise: values.enterprise || processHa,
      cluster,
      store: storage?.store,
      processHa:
        processHa && storage !== undefined
          ? {
              clusterName: values['cluster-name'] ?? ha?.clusterName ?? 'cts-cluster',
              id: values['cts-id'] ?? config?.id ?? `cts-${hostname()}`,
              address: values['cts-address'] ?? ha?.instanceAddress ?? values.host,
              serviceName: config?.serviceName,
              sessionTtlMs: sessionTtl === undefined ? undefined : parseGoDuration(sessionTtl),
              coordination: storage.coordination,
              store: storage.store,
            }
          : undefined,
      globalBufferPeriod:
        config?.bufferPeriod === undefined
          ? undefined
          : finalizeGlobalBufferPeriod(bufferPeriodSettingsFromRequest(config.bufferPeriod)),
    },
    ona: storage === undefined ? undefined : { store: storage.onaStore },
  });
  const member = server.control.fake('cts').ha;
  if (member !== undefined) {
    await member.start(server.port);
    const { clusterName } = member.election.cluster();
    process.stdout.write(
      `taskport: CTS cluster ${clusterName} member ${values['cts-id'] ?? config?.id ?? `cts-${hostname()}`}${member.election.isLeader() ? ' (leader)' : ' (follower)'}\n`,
    );
  }
  // A follower leaves the config's tasks to the leader (stored state wins, research/cts-ha.md §4.4).
  if (config !== undefined && (member === undefined || member.election.isLeader())) {
    const failures = await server.control.seed({ cts: { tasks: config.tasks, run: 'now' } });
    for (const failure of failures) {
      process.stderr.write(
        `taskport: task ${failure.name} was not created (${failure.status}): ${failure.message}\n`,
      );
    }
  }
  if (values.automations !== undefined) {
    const yamlText = await readFile(values.automations, 'utf8');
    const existing = server.control.ona
      .environments()
      .find((environment) => environment.id === values.environment);
    const environment =
      existing ?? server.control.ona.createEnvironment({ id: values.environment });
    await server.control.ona.seedAutomations(environment.id, yamlText);
    process.stdout.write(
      `taskport: seeded Ona environment ${environment.id} from ${values.automations}\n`,
    );
  }
  process.stdout.write(`taskport fake server listening on ${server.url}\n`);
  process.stdout.write(
    startLines(server.url, {
      dialects: server.control.dialects,
      tokenRequired: controlToken !== undefined,
    }),
  );
  if (!isLoopbackHost(values.host)) process.stderr.write(exposedHostWarning(values.host));
  if (cluster !== undefined) process.stdout.write(describeMembers(server.control.ctsCluster));
  const stop = (): void => {
    void server
      .close()
      .then(() => storage?.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new Error(`unknown command ${JSON.stringify(command)}; try: taskport serve --help`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`taskport: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
