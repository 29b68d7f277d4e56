import { describe, expect, it } from 'vitest';
import { finalizeTask, validateTask } from '../../../src/api/cts/task-config.ts';
import type { TaskConfig, TaskRequestTask } from '../../../src/api/cts/types.ts';

const base: TaskRequestTask = {
  name: 't',
  module: 'm',
  condition: { services: { names: ['api'] } },
};

function finalized(task: Partial<TaskRequestTask>): TaskConfig {
  const result = finalizeTask({ ...base, ...task });
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

/** The config as the API writes it: omitted fields are absent from the JSON. */
function written(task: Partial<TaskRequestTask>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(finalized(task))) as Record<string, unknown>;
}

function validate(task: Partial<TaskRequestTask>, enterprise = false): string | undefined {
  return validateTask(finalized(task), { enterprise });
}

describe('finalizeTask defaults (§2.3)', () => {
  it('matches the canonical 201 body byte for byte', () => {
    expect(JSON.stringify(finalized({ enabled: true }))).toBe(
      '{"condition":{"services":{"cts_user_defined_meta":{},"datacenter":"","filter":"","names":["api"],"namespace":"","use_as_module_input":true}},"description":"","enabled":true,"module":"m","module_input":{},"name":"t","providers":[],"variables":{},"version":""}',
    );
  });

  it.each([
    [
      'services with regexp only',
      { condition: { services: { regexp: 'web.*' } } },
      {
        services: {
          cts_user_defined_meta: {},
          datacenter: '',
          filter: '',
          namespace: '',
          regexp: 'web.*',
          use_as_module_input: true,
        },
      },
    ],
    [
      'services names win over regexp',
      { condition: { services: { names: ['a'], regexp: 'x', use_as_module_input: false } } },
      {
        services: {
          cts_user_defined_meta: {},
          datacenter: '',
          filter: '',
          names: ['a'],
          namespace: '',
          use_as_module_input: false,
        },
      },
    ],
    [
      'services empty names fall back to regexp',
      { condition: { services: { names: [], regexp: 'x' } } },
      {
        services: {
          cts_user_defined_meta: {},
          datacenter: '',
          filter: '',
          namespace: '',
          regexp: 'x',
          use_as_module_input: true,
        },
      },
    ],
    [
      'null meta values are dropped',
      { condition: { services: { names: ['a'], cts_user_defined_meta: { k: 'v', n: null } } } },
      {
        services: {
          cts_user_defined_meta: { k: 'v' },
          datacenter: '',
          filter: '',
          names: ['a'],
          namespace: '',
          use_as_module_input: true,
        },
      },
    ],
    [
      'catalog_services',
      { condition: { catalog_services: { regexp: '.*' } } },
      {
        catalog_services: {
          datacenter: '',
          namespace: '',
          node_meta: {},
          regexp: '.*',
          use_as_module_input: true,
        },
      },
    ],
    [
      'consul_kv',
      { condition: { consul_kv: { path: 'k' } } },
      {
        consul_kv: {
          datacenter: '',
          namespace: '',
          path: 'k',
          recurse: false,
          use_as_module_input: true,
        },
      },
    ],
    [
      'schedule',
      { condition: { schedule: { cron: '* * * * *' } } },
      { schedule: { cron: '* * * * *' } },
    ],
    ['empty condition', { condition: {} }, {}],
    [
      'precedence: services > consul_kv > catalog_services > schedule',
      {
        condition: {
          schedule: { cron: 'x' },
          catalog_services: { regexp: 'c' },
          consul_kv: { path: 'k' },
        },
      },
      {
        consul_kv: {
          datacenter: '',
          namespace: '',
          path: 'k',
          recurse: false,
          use_as_module_input: true,
        },
      },
    ],
  ])('condition: %s', (_name, task, condition) => {
    expect(finalized(task as Partial<TaskRequestTask>).condition).toEqual(condition);
  });

  it.each([
    ['absent', {}, {}],
    [
      'services',
      { services: { names: ['api'], regexp: 'ignored' } },
      {
        services: {
          cts_user_defined_meta: {},
          datacenter: '',
          filter: '',
          names: ['api'],
          namespace: '',
        },
      },
    ],
    [
      'consul_kv',
      { consul_kv: { path: 'p' } },
      { consul_kv: { datacenter: '', namespace: '', path: 'p', recurse: false } },
    ],
  ])('module_input: %s', (_name, input, expected) => {
    const task = Object.keys(input).length === 0 ? {} : { module_input: input };
    expect(finalized(task).module_input).toEqual(expected);
  });

  it.each([
    ['{"max":"5m"} echoes "5m0s" and min "0s"', { max: '5m' }, { max: '5m0s', min: '0s' }],
    [
      'enabled is echoed only when sent',
      { enabled: true, min: '5s', max: '20s' },
      { enabled: true, max: '20s', min: '5s' },
    ],
    ['{"min":"1500ms"}', { min: '1500ms' }, { max: '0s', min: '1.5s' }],
  ])('buffer_period: %s', (_name, block, expected) => {
    expect(finalized({ buffer_period: block }).buffer_period).toEqual(expected);
  });

  it('omits buffer_period unless sent', () => {
    expect(written({})).not.toHaveProperty('buffer_period');
    expect(written({ buffer_period: { min: '1s' } })).toHaveProperty('buffer_period');
  });

  it('forces schedule tasks to a disabled buffer period', () => {
    const config = finalized({
      condition: { schedule: { cron: '* * * * *' } },
      buffer_period: { min: '9s' },
    });
    expect(config.buffer_period).toEqual({ enabled: false, max: '0s', min: '0s' });
    expect(finalized({ condition: { schedule: { cron: '* * * * *' } } }).buffer_period).toEqual({
      enabled: false,
      max: '0s',
      min: '0s',
    });
  });

  it.each([
    [
      'max',
      { max: 'abc', min: '1s' },
      'error with task configuration: time: invalid duration "abc"',
    ],
    [
      'max before min',
      { max: '1x', min: 'abc' },
      'error with task configuration: time: unknown unit "x" in duration "1x"',
    ],
    ['min', { min: '5' }, 'error with task configuration: time: missing unit in duration "5"'],
  ])('bad buffer_period duration (%s) → 400 message', (_name, block, message) => {
    expect(finalizeTask({ ...base, buffer_period: block })).toEqual({ ok: false, message });
  });

  it('keeps enterprise fields only when non-empty, finalized', () => {
    const empty = written({ terraform_version: '', terraform_cloud_workspace: {} });
    expect(empty).not.toHaveProperty('terraform_cloud_workspace');
    expect(empty).not.toHaveProperty('terraform_version');
    const config = finalized({
      terraform_version: '1.2.3',
      terraform_cloud_workspace: { execution_mode: 'agent' },
    });
    expect(config.terraform_version).toBe('1.2.3');
    expect(config.terraform_cloud_workspace).toEqual({
      agent_pool_id: '',
      agent_pool_name: '',
      execution_mode: 'agent',
      terraform_version: '',
    });
  });

  it('builds the inspect representation from the converted request', () => {
    const result = finalizeTask(
      {
        ...base,
        enabled: true,
        condition: { schedule: { cron: '* * * * *' } },
        buffer_period: { min: '1s' },
      },
      { inspect: true },
    );
    expect(result.ok && JSON.stringify(result.config)).toBe(
      '{"buffer_period":{"max":"0s","min":"1s"},"condition":{"schedule":{"cron":"* * * * *"}},"enabled":true,"module":"m","name":"t"}',
    );
  });

  it('does not share arrays with the request', () => {
    const names = ['api'];
    const config = finalized({ condition: { services: { names } }, providers: ['p'] });
    names.push('web');
    expect(config.condition.services?.names).toEqual(['api']);
  });
});

describe('validateTask messages (§2.2, config/task.go Validate)', () => {
  it.each<[string, Partial<TaskRequestTask>, string | undefined]>([
    ['valid', {}, undefined],
    ['empty name', { name: '' }, 'unique name for the task is required'],
    [
      'name starting with a digit',
      { name: '1task' },
      'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "1task"',
    ],
    [
      'name with a dot',
      { name: 'task.a' },
      'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "task.a"',
    ],
    [
      'name with a space',
      { name: 'task a' },
      'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "task a"',
    ],
    [
      'name starting with a dash',
      { name: '-x' },
      'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "-x"',
    ],
    [
      'name is %q-quoted',
      { name: 'a"b\n' },
      'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "a\\"b\\n"',
    ],
    ['underscore and dashes', { name: '_task-a_1' }, undefined],
    ['Unicode letters count', { name: 'tâche' }, undefined],
    ['empty module', { module: '' }, 'module for the task is required'],
    [
      'name checked before module',
      { name: '', module: '' },
      'unique name for the task is required',
    ],
    [
      'terraform_version (OSS)',
      { terraform_version: '1.0.0' },
      'unsupported configuration \'terraform_version\' for task "t". This option is available for Consul-Terraform-Sync Enterprise when using the Terraform Cloud driver, or configure the Terraform client version within the Terraform driver block',
    ],
    [
      'terraform_cloud_workspace (OSS)',
      { terraform_cloud_workspace: { execution_mode: 'remote' } },
      'unsupported configuration \'terraform_cloud_workspace\' for task "t". This option is available for Consul-Terraform-Sync Enterprise when using the Terraform Cloud driver',
    ],
    [
      'empty terraform_cloud_workspace is fine',
      { terraform_cloud_workspace: { execution_mode: '' } },
      undefined,
    ],
    ['duplicate provider', { providers: ['aws', 'aws'] }, 'only one provider instance per task'],
    [
      'duplicate provider via alias',
      { providers: ['aws', 'aws.east'] },
      'only one provider instance per task',
    ],
    ['distinct providers', { providers: ['aws', 'local'] }, undefined],
    [
      'services: neither names nor regexp',
      { condition: { services: {} } },
      'error validating `condition "services"` block: either the regexp or names field must be configured',
    ],
    [
      'services: empty names and no regexp',
      { condition: { services: { names: [] } } },
      'error validating `condition "services"` block: either the regexp or names field must be configured',
    ],
    [
      'services: empty name',
      { condition: { services: { names: ['api', ''] } } },
      'error validating `condition "services"` block: names field includes empty string(s). services names cannot be empty',
    ],
    [
      'services: bad regexp',
      { condition: { services: { regexp: '(' } } },
      'error validating `condition "services"` block: unable to compile services regexp: error parsing regexp: missing closing ): `(`',
    ],
    [
      'services: empty regexp is configured',
      { condition: { services: { regexp: '' } } },
      undefined,
    ],
    [
      'catalog_services: bad regexp',
      { condition: { catalog_services: { regexp: '*' } } },
      "unable to compile catalog-services 'regexp': error parsing regexp: missing argument to repetition operator: `*`",
    ],
    [
      'consul_kv: empty path',
      { condition: { consul_kv: { path: '' } } },
      'path is required for consul-kv condition',
    ],
    [
      'schedule: empty cron',
      { condition: { schedule: { cron: '' } } },
      'cron config is required for schedule condition',
    ],
    [
      'schedule: bad cron',
      { condition: { schedule: { cron: 'bad' } } },
      'unable to parse schedule condition\'s cron config "bad": missing field(s). for more information on writing cron expressions, see https://github.com/hashicorp/cronexpr',
    ],
    ['schedule: good cron', { condition: { schedule: { cron: '*/5 * * * *' } } }, undefined],
    ['empty condition is accepted', { condition: {} }, undefined],
    [
      'services condition + services module_input',
      { module_input: { services: { names: ['x'] } } },
      'task\'s condition block and module_input block both monitor "services" variable type. condition and module_input variable type must be unique',
    ],
    [
      'consul_kv condition + consul_kv module_input',
      { condition: { consul_kv: { path: 'a' } }, module_input: { consul_kv: { path: 'b' } } },
      'task\'s condition block and module_input block both monitor "consul_kv" variable type. condition and module_input variable type must be unique',
    ],
    [
      'catalog_services + services module_input is fine',
      {
        condition: { catalog_services: { regexp: '.*' } },
        module_input: { services: { names: ['x'] } },
      },
      undefined,
    ],
    [
      'schedule + any module_input is fine',
      {
        condition: { schedule: { cron: '* * * * *' } },
        module_input: { services: {}, consul_kv: { path: '' } },
      },
      undefined,
    ],
    [
      'module_input blocks themselves are not validated',
      { condition: { consul_kv: { path: 'a' } }, module_input: { services: {} } },
      undefined,
    ],
    [
      'negative buffer period',
      { buffer_period: { min: '-5s' } },
      'buffer_period: cannot be negative',
    ],
    [
      'condition checked before module_input',
      { condition: { services: {} }, module_input: { services: {} } },
      'error validating `condition "services"` block: either the regexp or names field must be configured',
    ],
    [
      'providers checked before condition',
      { providers: ['a', 'a'], condition: { services: {} } },
      'only one provider instance per task',
    ],
  ])('%s', (_name, task, expected) => {
    expect(validate(task)).toBe(expected);
  });

  it.each<[string, Partial<TaskRequestTask>, string | undefined]>([
    ['terraform_version accepted', { terraform_version: '1.0.0' }, undefined],
    [
      'remote workspace accepted',
      { terraform_cloud_workspace: { execution_mode: 'remote' } },
      undefined,
    ],
    [
      'bad execution mode',
      { terraform_cloud_workspace: { execution_mode: 'local' } },
      "execution mode 'local' not supported for CTS, use 'remote' or 'agent' instead",
    ],
    [
      'agent without pool',
      { terraform_cloud_workspace: { execution_mode: 'agent' } },
      "agent_pool_id or agent_pool_name is required if execution mode is 'agent'",
    ],
    [
      'pool without agent',
      { terraform_cloud_workspace: { agent_pool_id: 'apool-1' } },
      "agent pool configured when execution mode is not 'agent'",
    ],
    [
      'agent with pool',
      { terraform_cloud_workspace: { execution_mode: 'agent', agent_pool_name: 'p' } },
      undefined,
    ],
  ])('enterprise: %s', (_name, task, expected) => {
    expect(validate(task, true)).toBe(expected);
  });

  it('checks the effective buffer period against the given global default', () => {
    const config = finalized({ buffer_period: { min: '-1s', enabled: false } });
    expect(validateTask(config)).toBeUndefined();
  });
});
