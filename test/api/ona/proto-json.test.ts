/**
 * The proto3-JSON codec, the validation messages and the Connect table.
 */

import { describe, expect, it } from 'vitest';
import {
  CONNECT_HTTP_STATUS,
  LEGACY_CONNECT_HTTP_STATUS,
  OnaError,
} from '../../../src/api/ona/errors.ts';
import {
  decodeMessage,
  encodeMessage,
  formatTimestamp,
  ProtoJsonError,
} from '../../../src/api/ona/proto-json.ts';
import * as schema from '../../../src/api/ona/schema.ts';
import { decodeRequest } from '../../../src/api/ona/service.ts';
import { formatViolations } from '../../../src/api/ona/validate.ts';
import { EngineError } from '../../../src/engine/errors.ts';

describe('Connect code → HTTP status', () => {
  it.each([
    ['canceled', 499, 408],
    ['unknown', 500, 500],
    ['invalid_argument', 400, 400],
    ['deadline_exceeded', 504, 408],
    ['not_found', 404, 404],
    ['already_exists', 409, 409],
    ['permission_denied', 403, 403],
    ['resource_exhausted', 429, 429],
    ['failed_precondition', 400, 412],
    ['aborted', 409, 409],
    ['out_of_range', 400, 400],
    ['unimplemented', 501, 404],
    ['internal', 500, 500],
    ['unavailable', 503, 503],
    ['data_loss', 500, 500],
    ['unauthenticated', 401, 401],
  ] as const)('%s → %i (legacy %i)', (code, status, legacy) => {
    expect(CONNECT_HTTP_STATUS[code]).toBe(status);
    expect(LEGACY_CONNECT_HTTP_STATUS[code]).toBe(legacy);
  });

  it.each([
    ['not_found', 'not_found'],
    ['already_exists', 'already_exists'],
    ['invalid', 'invalid_argument'],
    ['busy', 'failed_precondition'],
    ['closed', 'unavailable'],
  ] as const)('engine %s becomes %s', (engineCode, code) => {
    expect(OnaError.from(new EngineError(engineCode, 'm')).code).toBe(code);
  });
});

describe('decoding', () => {
  it('accepts proto names, drops unknown keys and enum names, treats null as absent', () => {
    expect(
      decodeMessage(schema.ListTaskExecutionsRequest, {
        filter: { task_ids: ['a'], phases: ['TASK_EXECUTION_PHASE_RUNNING', 'NOPE', 3] },
        pagination: { pageSize: '7', token: null },
        extra: 1,
      }),
    ).toEqual({
      filter: {
        taskIds: ['a'],
        phases: ['TASK_EXECUTION_PHASE_RUNNING', 'TASK_EXECUTION_PHASE_SUCCEEDED'],
      },
      pagination: { pageSize: 7 },
    });
  });

  it.each([
    ['a number for a string', schema.GetTaskRequest, { id: 1 }],
    ['a string for a list', schema.CreateTaskRequest, { dependsOn: 'x' }],
    ['null in a list', schema.CreateTaskRequest, { dependsOn: [null] }],
    ['a fraction for int32', schema.PaginationRequest, { pageSize: 1.5 }],
    ['a bad timestamp', schema.TaskMetadata, { createdAt: 'yesterday' }],
    ['two oneof members', schema.AutomationTrigger, { manual: true, prebuild: false }],
    [
      'both names of one field',
      schema.CreateTaskRequest,
      { environmentId: 'a', environment_id: 'b' },
    ],
    ['a list body', schema.GetTaskRequest, []],
  ])('rejects %s', (_label, descriptor, json) => {
    expect(() => decodeMessage(descriptor, json)).toThrow(ProtoJsonError);
  });
});

describe('encoding', () => {
  it('omits zero values but keeps oneof members and set messages', () => {
    expect(
      encodeMessage(schema.Task, {
        id: 'x',
        environmentId: '',
        metadata: { name: '', triggeredBy: [{ manual: false }] },
        spec: { runsOn: { machine: {} }, env: [{ name: 'A', value: '' }] },
        dependsOn: [],
      }),
    ).toEqual({
      id: 'x',
      metadata: { triggeredBy: [{ manual: false }] },
      spec: { runsOn: { machine: {} }, env: [{ name: 'A', value: '' }] },
    });
  });

  it('writes uint64 as a string and drops UNSPECIFIED', () => {
    expect(
      encodeMessage(schema.TaskExecutionStatus, {
        statusVersion: 12,
        phase: 'TASK_EXECUTION_PHASE_UNSPECIFIED',
      }),
    ).toEqual({ statusVersion: '12' });
  });

  it.each([
    [Date.UTC(2026, 0, 1), '2026-01-01T00:00:00Z'],
    [Date.UTC(2026, 0, 1, 0, 0, 0, 500), '2026-01-01T00:00:00.500Z'],
  ])('formats %i as %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });
});

describe('validation messages', () => {
  it.each([
    ['GetTask', {}, 'validation error: id: value is empty, which is not a valid UUID'],
    ['GetTask', { id: 'x' }, 'validation error: id: value must be a valid UUID'],
    [
      'CreateTask',
      { environmentId: 'e', metadata: { reference: 'a b', name: '' } },
      'validation errors:\n - environment_id: value must be a valid UUID\n - metadata.reference: value does not match regex pattern `^[a-zA-Z0-9_-]{1,128}$`\n - metadata.name: value length must be at least 1 characters',
    ],
    [
      'ListTasks',
      { pagination: { pageSize: 101 } },
      'validation error: pagination.page_size: value must be greater than or equal to 0 and less than or equal to 100',
    ],
    [
      'ListTasks',
      { filter: { taskIds: Array(26).fill('0d5e8f7a-1111-4222-8333-944455556666') } },
      'validation error: filter.task_ids: value must contain no more than 25 item(s)',
    ],
    [
      'UpdateTask',
      { id: '0d5e8f7a-1111-4222-8333-944455556666', metadata: { name: '' }, dependsOn: ['x'] },
      'validation errors:\n - metadata.name: value length must be at least 1 characters\n - depends_on[0]: value must be a valid UUID',
    ],
  ] as const)('%s %j', (method, body, message) => {
    expect(() => decodeRequest(method, body)).toThrow(message);
  });

  it('formats one violation on one line', () => {
    expect(formatViolations([{ path: 'id', message: 'm' }])).toBe('validation error: id: m');
  });
});
