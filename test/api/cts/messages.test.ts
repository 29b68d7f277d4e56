import { describe, expect, it } from 'vitest';
import * as m from '../../../src/api/cts/messages.ts';

describe('CTS messages, verbatim from the reference', () => {
  it.each([
    [m.MESSAGE_BODY_REQUIRED, 'request body has an error: value is required but missing'],
    [
      m.bodyContentTypeMessage('text/plain'),
      'request body has an error: header Content-Type has unexpected value "text/plain"',
    ],
    [
      m.bodyDecodeMessage('unexpected EOF'),
      'request body has an error: failed to decode request body: unexpected EOF',
    ],
    [
      m.bodySchemaMessage(['task', 'condition'], m.SchemaReason.missing('condition')),
      'request body has an error: doesn\'t match schema #/components/schemas/TaskRequest: Error at "/task/condition": property "condition" is missing',
    ],
    [
      m.bodySchemaMessage(['task'], m.SchemaReason.unsupported('services')),
      'request body has an error: doesn\'t match schema #/components/schemas/TaskRequest: Error at "/task": property "services" is unsupported',
    ],
    [m.SchemaReason.type('string'), 'value must be a string'],
    [m.SchemaReason.type('object'), 'value must be an object'],
    [m.MESSAGE_RUN_EMPTY, 'parameter "run" in query has an error: empty value is not allowed'],
    [
      m.MESSAGE_RUN_NOT_ALLOWED,
      'parameter "run" in query has an error: value is not one of the allowed values ["now","inspect"]',
    ],
    [
      m.MESSAGE_RUN_MULTIPLE,
      "Invalid format for parameter run: multiple values for single value parameter 'run'",
    ],
    [m.decodingRequestMessage('EOF'), 'error decoding the request: EOF'],
    [m.taskExistsMessage('existing_task'), 'task with name existing_task already exists'],
    [
      m.taskConfigurationMessage('time: invalid duration "x"'),
      'error with task configuration: time: invalid duration "x"',
    ],
    [
      m.taskNotFoundMessage('X'),
      "a task with name 'X' does not exist or has not been initialized yet",
    ],
    [m.taskActiveUpdateMessage('t'), "task 't' is active and cannot be updated at this time"],
    [m.taskActiveRunMessage('t'), "task 't' is active and cannot be run at this time"],
    [m.MESSAGE_ERROR_INITIALIZING_TASK, 'error initializing task'],
    [m.MESSAGE_INSPECT_DISABLED_PLAN, 'Task is disabled, inspection was skipped.'],
    [m.retryAttemptMessage(1, 'boom'), "retry attempt #1 failed 'boom'"],
    [
      m.taskMethodNotAllowedMessage('PUT'),
      "'PUT' in an unsupported method. The task API currently supports the method(s): 'PATCH'",
    ],
    [
      m.overallStatusMethodNotAllowedMessage('PATCH'),
      "'PATCH' in an unsupported method. The overallStatus API currently supports the method(s): 'GET'",
    ],
    [
      m.taskStatusMethodNotAllowedMessage('PUT'),
      "'PUT' in an unsupported method. The task status API currently supports the method(s): 'GET'",
    ],
    [
      m.MESSAGE_PATCH_NO_TASK_NAME,
      "no task name was included in the api request. Updating a task requires the task name: '/v1/tasks/:task_name'",
    ],
    [
      m.unsupportedPathMessage('/v1/tasks/a/b'),
      "unsupported path '/v1/tasks/a/b'. request must be format 'path/{task-name}'. task name cannot have '/ ' and api does not support further resources",
    ],
    [
      m.runUnsupportedMessage('x'),
      'unsupported run parameter value. only supporting run values now and inspect but got x',
    ],
    [
      m.runMultipleMessage(['now', 'inspect']),
      'cannot support more than one run query parameter, got run values: [now inspect]',
    ],
    [m.unsupportedKeysMessage(['a', 'b']), "request body's JSON contains unsupported keys: a, b"],
    [
      m.MESSAGE_PATCH_MISSING_ENABLED,
      "/v1/tasks/:task_name currently only supports the 'enabled' field. Missing 'enabled' from the request body",
    ],
    [
      m.statusUnsupportedMessage('bad'),
      'unsupported status parameter value. only supporting status values successful, errored, critical, and unknown but got bad',
    ],
    [
      m.statusMultipleMessage(['a', 'b']),
      'cannot support more than one status query parameter, got status values: [a b]',
    ],
    [
      m.includeUnsupportedMessage('x'),
      "unsupported ?include parameter value. only supporting 'include=events' but got 'include=x'",
    ],
    [
      m.includeMultipleMessage(['events', 'x']),
      'cannot support more than one include parameter, got include values: [events x]',
    ],
    [
      m.MESSAGE_HA_NOT_AVAILABLE,
      'this endpoint is only available with high availability configured',
    ],
    [m.unhealthyMessage('down'), 'CTS is not healthy: down'],
    [m.MESSAGE_BUFFER_PERIOD_NEGATIVE, 'buffer_period: cannot be negative'],
    [m.MESSAGE_BUFFER_PERIOD_MIN_MAX, 'buffer_period: min must be less than max'],
    [m.MESSAGE_CONDITION_REQUIRED, 'task should be configured with a condition block'],
    [m.MESSAGE_CATALOG_SERVICES_REGEXP_REQUIRED, "catalog-services 'regexp' field must be set"],
    [
      m.servicesConditionMessage(m.MESSAGE_SERVICES_BOTH),
      'error validating `condition "services"` block: regexp and names fields cannot both be unconfigured. If both are needed, consider including the list of names as part of the regex or creating separate tasks',
    ],
    [
      m.servicesModuleInputMessage(m.MESSAGE_SERVICES_NEITHER),
      'error validating `module_input "services"`: either the regexp or names field must be configured',
    ],
    [
      m.duplicateModuleInputMessage('services'),
      'more than one \'module_input\' block for the "services" variable. variable types must be unique',
    ],
    [m.applyFailedMessage('t', 'e'), 'could not apply changes for task t: e'],
    [m.renderFailedMessage('t', 'e'), 'error rendering template for task t: e'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
