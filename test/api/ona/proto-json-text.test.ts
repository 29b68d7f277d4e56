/**
 * The compiled text encoder answers the bytes `JSON.stringify(encodeMessage(…))`
 * gives, for every response message and the zero values, oneofs, presence,
 * maps and scalar kinds proto3 JSON treats specially.
 */

import { describe, expect, it } from 'vitest';
import { encodeMessage, type ProtoObject } from '../../../src/api/ona/proto-json.ts';
import { jsonEncoder, jsonEncoders } from '../../../src/api/ona/proto-json-text.ts';
import * as schema from '../../../src/api/ona/schema.ts';

const task = {
  id: '7c0a8f36-5f0e-4c8a-9d43-2a7b1e0f9c11',
  environmentId: '0b7e3a52-1c2d-4e5f-8a9b-c0d1e2f3a4b5',
  metadata: {
    reference: 'build',
    name: 'Build "it" \u2028 ✓',
    description: '',
    createdAt: '2026-01-01T00:00:00Z',
    creator: { id: '', principal: 'PRINCIPAL_USER' },
    triggeredBy: [{ manual: true }, { postMachineStart: false }, { prebuild: true }],
  },
  spec: {
    command: 'make',
    runsOn: { docker: { image: 'alpine', environment: [] } },
    env: [
      { name: 'A', value: '' },
      { name: 'B', valueFrom: { secretRef: { id: 'x' } } },
    ],
    prebuildRequiresSuccess: false,
  },
  dependsOn: [],
};

const execution = {
  id: 'e1',
  metadata: {
    taskId: 't1',
    environmentId: '',
    createdAt: Date.UTC(2026, 0, 1, 0, 0, 0, 250),
    startedAt: Date.UTC(2026, 0, 1),
    completedAt: undefined,
    creator: {},
    startedBy: 'manual',
  },
  spec: {
    plan: [{ steps: [{ id: 's1', dependsOn: [], label: 'x', task: { id: 't1', spec: {} } }] }],
    desiredPhase: 'TASK_EXECUTION_PHASE_RUNNING',
  },
  status: {
    statusVersion: 12n,
    phase: 0,
    failureMessage: '',
    steps: [
      { id: 's1', phase: 'TASK_EXECUTION_PHASE_SUCCEEDED', output: { b: '1', a: '2', 10: 'n' } },
      { id: 's2', phase: 3, output: {} },
    ],
    logUrl: '',
  },
};

const cases: [string, (typeof schema)['TaskResponse'], ProtoObject][] = [
  ['TaskResponse', schema.TaskResponse, { task }],
  ['empty TaskResponse', schema.TaskResponse, {}],
  [
    'ListTasksResponse',
    schema.ListTasksResponse,
    { pagination: { nextToken: undefined }, tasks: [task, { ...task, id: 'b', spec: {} }] },
  ],
  ['ListTasksResponse, next page', schema.ListTasksResponse, { pagination: { nextToken: 'x' } }],
  ['TaskExecutionResponse', schema.TaskExecutionResponse, { taskExecution: execution }],
  [
    'ListTaskExecutionsResponse',
    schema.ListTaskExecutionsResponse,
    { pagination: {}, taskExecutions: [execution, { id: 'e2', status: { statusVersion: '0' } }] },
  ],
  [
    'UpdateTaskRequest (optional fields set to zero)',
    schema.UpdateTaskRequest,
    { id: 'x', metadata: { name: '', description: '' }, spec: { command: '', env: [] } },
  ],
  ['null and undefined fields', schema.Task, { id: null, metadata: undefined, dependsOn: null }],
];

describe('jsonEncoder', () => {
  for (const [name, descriptor, value] of cases) {
    it(`matches JSON.stringify(encodeMessage(…)): ${name}`, () => {
      const expected = JSON.stringify(encodeMessage(descriptor, value));
      expect(jsonEncoder(descriptor)(value)).toBe(expected);
      // Twice through a compiler that keeps Task texts: the kept text is the same.
      const encoderOf = jsonEncoders({ immutable: new Set([schema.Task]) });
      expect(encoderOf(descriptor)(value)).toBe(expected);
      expect(encoderOf(descriptor)(value)).toBe(expected);
    });
  }

  it('keeps the text of immutable messages per value object', () => {
    const encode = jsonEncoders({ immutable: new Set([schema.Task]) })(schema.TaskResponse);
    const value = { ...task, metadata: { ...task.metadata } };
    const first = encode({ task: value });
    // A changed copy is a new object, so it is encoded afresh.
    const renamed = { ...value, metadata: { ...value.metadata, name: 'Renamed' } };
    expect(encode({ task: renamed })).toBe(
      JSON.stringify(encodeMessage(schema.TaskResponse, { task: renamed })),
    );
    expect(encode({ task: value })).toBe(first);
  });
});
