/**
 * Seeding an environment's tasks from an `automations.yaml` text (research
 * §4.11): the map key is the reference, `dependsOn` names references, and
 * `triggeredBy` holds trigger names. Unknown keys are errors, as in Ona's own
 * reader. Tasks are upserted through the Ona service (so its validation
 * applies), dependencies first.
 */

import { parse } from 'yaml';

import { REFERENCE_PATTERN } from '../../api/ona/schema.ts';
import type { OnaService } from '../../api/ona/service.ts';
import type { OnaSubject, OnaTask, RunsOn, TriggerName } from '../../api/ona/types.ts';

/** A task of an automations file. */
export interface AutomationsFileTask {
  readonly reference: string;
  readonly name: string;
  readonly description?: string;
  readonly command: string;
  readonly dependsOn: readonly string[];
  readonly triggeredBy: readonly TriggerName[];
  readonly runsOn?: RunsOn;
  readonly prebuildRequiresSuccess?: boolean;
}

/** A parsed automations file. Services are read but not simulated. */
export interface AutomationsFile {
  readonly tasks: readonly AutomationsFileTask[];
  /** References of the file's services (taskport does not simulate services). */
  readonly services: readonly string[];
}

/** What seeding did for each task of the file, in the order it was done. */
export interface AutomationsSeedResult {
  readonly tasks: readonly {
    readonly reference: string;
    readonly id: string;
    readonly action: 'created' | 'updated';
  }[];
}

/** An automations file that cannot be read or applied. */
export class AutomationsFileError extends Error {
  override readonly name = 'AutomationsFileError';
}

/** Trigger names a task of an automations file may use. */
export const FILE_TASK_TRIGGERS: readonly TriggerName[] = [
  'manual',
  'postEnvironmentStart',
  'postDevcontainerStart',
  'prebuild',
  'beforeSnapshot',
];

const TASK_KEYS = new Set([
  'name',
  'description',
  'command',
  'dependsOn',
  'triggeredBy',
  'runsOn',
  'prebuildRequiresSuccess',
]);
const REFERENCE = new RegExp(REFERENCE_PATTERN);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new AutomationsFileError(`${where} must be a list of strings`);
  }
  return value as string[];
}

function parseRunsOn(value: unknown, where: string): RunsOn | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new AutomationsFileError(`${where} must be a map`);
  const keys = Object.keys(value);
  if (keys.length !== 1 || (keys[0] !== 'docker' && keys[0] !== 'machine')) {
    throw new AutomationsFileError(`${where} must have exactly one of docker or machine`);
  }
  if (keys[0] === 'machine') return { machine: {} };
  const docker = value.docker;
  if (!isRecord(docker) || typeof docker.image !== 'string') {
    throw new AutomationsFileError(`${where}.docker.image must be a string`);
  }
  return {
    docker: {
      image: docker.image,
      environment: stringList(docker.environment, `${where}.docker.environment`),
    },
  };
}

function parseTask(reference: string, value: unknown): AutomationsFileTask {
  const where = `tasks.${reference}`;
  if (!REFERENCE.test(reference)) {
    throw new AutomationsFileError(`${where}: the key must match ${REFERENCE_PATTERN}`);
  }
  if (!isRecord(value)) throw new AutomationsFileError(`${where} must be a map`);
  for (const key of Object.keys(value)) {
    if (!TASK_KEYS.has(key)) throw new AutomationsFileError(`${where}: unknown field "${key}"`);
  }
  if (typeof value.name !== 'string' || value.name === '') {
    throw new AutomationsFileError(`${where}.name is required`);
  }
  if (typeof value.command !== 'string' || value.command === '') {
    throw new AutomationsFileError(`${where}.command is required`);
  }
  if (value.description !== undefined && typeof value.description !== 'string') {
    throw new AutomationsFileError(`${where}.description must be a string`);
  }
  if (
    value.prebuildRequiresSuccess !== undefined &&
    typeof value.prebuildRequiresSuccess !== 'boolean'
  ) {
    throw new AutomationsFileError(`${where}.prebuildRequiresSuccess must be a boolean`);
  }
  const triggeredBy = stringList(value.triggeredBy, `${where}.triggeredBy`);
  for (const trigger of triggeredBy) {
    if (!(FILE_TASK_TRIGGERS as readonly string[]).includes(trigger)) {
      throw new AutomationsFileError(`${where}.triggeredBy: unknown trigger "${trigger}"`);
    }
  }
  return {
    reference,
    name: value.name,
    ...(value.description === undefined ? {} : { description: value.description as string }),
    command: value.command,
    dependsOn: stringList(value.dependsOn, `${where}.dependsOn`),
    triggeredBy: triggeredBy as TriggerName[],
    ...(value.runsOn === undefined ? {} : { runsOn: parseRunsOn(value.runsOn, `${where}.runsOn`) }),
    ...(value.prebuildRequiresSuccess === undefined
      ? {}
      : { prebuildRequiresSuccess: value.prebuildRequiresSuccess as boolean }),
  };
}

/** Parses an `automations.yaml` text; throws {@link AutomationsFileError}. */
export function parseAutomationsYaml(text: string): AutomationsFile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new AutomationsFileError(
      `automations file is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (document === null || document === undefined) return { tasks: [], services: [] };
  if (!isRecord(document)) throw new AutomationsFileError('automations file must be a map');
  for (const key of Object.keys(document)) {
    if (key !== 'tasks' && key !== 'services') {
      throw new AutomationsFileError(`automations file: unknown field "${key}"`);
    }
  }
  const tasks = document.tasks ?? {};
  const services = document.services ?? {};
  if (!isRecord(tasks)) throw new AutomationsFileError('tasks must be a map');
  if (!isRecord(services)) throw new AutomationsFileError('services must be a map');
  return {
    tasks: Object.entries(tasks).map(([reference, value]) => parseTask(reference, value)),
    services: Object.keys(services),
  };
}

/** The file's tasks with every dependency before its dependants. */
function dependencyOrder(
  tasks: readonly AutomationsFileTask[],
  existing: ReadonlyMap<string, string>,
): AutomationsFileTask[] {
  const byReference = new Map(tasks.map((task) => [task.reference, task]));
  const ordered: AutomationsFileTask[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (task: AutomationsFileTask): void => {
    const seen = state.get(task.reference);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new AutomationsFileError(`tasks.${task.reference}: dependency cycle`);
    }
    state.set(task.reference, 'visiting');
    for (const dependency of task.dependsOn) {
      const next = byReference.get(dependency);
      if (next !== undefined) visit(next);
      else if (!existing.has(dependency)) {
        throw new AutomationsFileError(
          `tasks.${task.reference}.dependsOn: no task "${dependency}" in the file or the environment`,
        );
      }
    }
    state.set(task.reference, 'done');
    ordered.push(task);
  };
  for (const task of tasks) visit(task);
  return ordered;
}

async function environmentTasks(
  service: OnaService,
  environmentId: string,
  subject: OnaSubject | undefined,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = (await service.call(
      'ListTasks',
      { filter: { environmentIds: [environmentId] }, pagination: { pageSize: 100, token } },
      { subject },
    )) as { tasks?: OnaTask[]; pagination?: { nextToken?: string } };
    for (const task of page.tasks ?? []) ids.set(task.metadata.reference ?? '', task.id);
    token = page.pagination?.nextToken;
  } while (token !== undefined && token !== '');
  return ids;
}

/**
 * Upserts the tasks of an `automations.yaml` text into an environment, as
 * `ona automations update` does: an existing reference is updated, a new one
 * created. Throws {@link AutomationsFileError} for a bad file and the
 * service's `OnaError` for what the API refuses (unknown environment…).
 *
 * @example
 * await seedAutomationsYaml(fake.service, environmentId, readFileSync('.ona/automations.yaml', 'utf8'));
 */
export async function seedAutomationsYaml(
  service: OnaService,
  environmentId: string,
  text: string,
  options: { readonly subject?: OnaSubject } = {},
): Promise<AutomationsSeedResult> {
  const file = parseAutomationsYaml(text);
  const ids = await environmentTasks(service, environmentId, options.subject);
  const results: { reference: string; id: string; action: 'created' | 'updated' }[] = [];
  for (const task of dependencyOrder(file.tasks, ids)) {
    const dependsOn = task.dependsOn.map((reference) => ids.get(reference) as string);
    const triggers = task.triggeredBy.map((trigger) => ({ [trigger]: true }));
    const spec = {
      command: task.command,
      ...(task.runsOn === undefined ? {} : { runsOn: task.runsOn }),
      ...(task.prebuildRequiresSuccess === undefined
        ? {}
        : { prebuildRequiresSuccess: task.prebuildRequiresSuccess }),
    };
    const existing = ids.get(task.reference);
    if (existing === undefined) {
      const created = (await service.call(
        'CreateTask',
        {
          environmentId,
          metadata: {
            reference: task.reference,
            name: task.name,
            description: task.description ?? '',
            triggeredBy: triggers,
          },
          spec,
          dependsOn,
        },
        { subject: options.subject },
      )) as { task: OnaTask };
      ids.set(task.reference, created.task.id);
      results.push({ reference: task.reference, id: created.task.id, action: 'created' });
    } else {
      await service.call(
        'UpdateTask',
        {
          id: existing,
          metadata: {
            name: task.name,
            description: task.description ?? '',
            triggeredBy: { trigger: triggers },
          },
          spec: { ...spec, prebuildRequiresSuccess: task.prebuildRequiresSuccess ?? false },
          dependsOn,
        },
        { subject: options.subject },
      );
      results.push({ reference: task.reference, id: existing, action: 'updated' });
    }
  }
  return { tasks: results };
}
