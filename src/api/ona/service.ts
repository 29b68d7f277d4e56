/**
 * `OnaService`: the nine methods behind one entry point that takes a parsed
 * JSON body, decodes it as proto3 JSON, checks the `buf.validate` rules, runs
 * the method and encodes the answer. The Hono app and in-process callers
 * (the fake's seeding) both go through it, so both see the same rules.
 */

import type { OnaContext } from './context.ts';
import { OnaError } from './errors.ts';
import {
  getTaskExecution,
  type ListTaskExecutionsInput,
  listTaskExecutions,
  startTask,
  startTriggered,
  stopTaskExecution,
} from './executions.ts';
import { MESSAGE_INVALID_TOKEN, MESSAGE_MISSING_TOKEN, unmarshalMessage } from './messages.ts';
import { isOnaEngine } from './ona-engine.ts';
import {
  DEFAULT_ONA_SUBJECT,
  type OnaApiOptions,
  type ResolvedOnaApiOptions,
  resolveOnaApiOptions,
} from './options.ts';
import type { PageQuery } from './pagination.ts';
import {
  decodeMessage,
  encodeMessage,
  type MessageDescriptor,
  ProtoJsonError,
  type ProtoObject,
} from './proto-json.ts';
import { jsonEncoders } from './proto-json-text.ts';
import * as schema from './schema.ts';
import { clearOnaExecutions, loadOnaState, onaStateOf, serializeWrite } from './state.ts';
import {
  type CreateTaskInput,
  createTask,
  deleteTask,
  getTask,
  type ListTasksInput,
  listTasks,
  type UpdateTaskInput,
  updateTask,
} from './tasks.ts';
import type { OnaMethod, OnaSubject, OnaTaskExecution, TriggerName } from './types.ts';
import { formatViolations, messageViolations } from './validate.ts';

/** The service's proto path segment. */
export const ONA_SERVICE_NAME = 'gitpod.v1.EnvironmentAutomationService';

/** @internal A method's messages and whether it may be called with GET. */
interface MethodEntry {
  readonly request: MessageDescriptor;
  /** `idempotency_level = NO_SIDE_EFFECTS`: Connect GET allowed. */
  readonly noSideEffects: boolean;
}

/** The methods served, with their request messages. */
export const ONA_METHODS: Readonly<Record<OnaMethod, MethodEntry>> = Object.freeze({
  CreateTask: { request: schema.CreateTaskRequest, noSideEffects: false },
  GetTask: { request: schema.GetTaskRequest, noSideEffects: true },
  UpdateTask: { request: schema.UpdateTaskRequest, noSideEffects: false },
  ListTasks: { request: schema.ListTasksRequest, noSideEffects: true },
  DeleteTask: { request: schema.DeleteTaskRequest, noSideEffects: false },
  StartTask: { request: schema.StartTaskRequest, noSideEffects: false },
  ListTaskExecutions: { request: schema.ListTaskExecutionsRequest, noSideEffects: true },
  GetTaskExecution: { request: schema.GetTaskExecutionRequest, noSideEffects: true },
  StopTaskExecution: { request: schema.StopTaskExecutionRequest, noSideEffects: false },
});

/** Whether `name` is one of the served methods. */
export function isOnaMethod(name: string): name is OnaMethod {
  return Object.hasOwn(ONA_METHODS, name);
}

/** Who calls, and the list query parameters. */
export interface OnaCallOptions {
  readonly subject?: OnaSubject;
  readonly query?: PageQuery;
}

function shortName(descriptor: MessageDescriptor): string {
  return descriptor.fullName.slice(descriptor.fullName.lastIndexOf('.') + 1);
}

/** Decodes and validates a request body; throws `invalid_argument`. */
export function decodeRequest(method: OnaMethod, body: unknown): ProtoObject {
  const { request } = ONA_METHODS[method];
  let decoded: ProtoObject;
  try {
    decoded = decodeMessage(request, body);
  } catch (error) {
    if (error instanceof ProtoJsonError) {
      throw new OnaError('invalid_argument', unmarshalMessage(shortName(request), error.message));
    }
    throw error;
  }
  const violations = messageViolations(request, decoded);
  if (violations.length > 0) throw new OnaError('invalid_argument', formatViolations(violations));
  return decoded;
}

/** What a method answers: a response message and its value, or nothing (`{}`). */
interface Answer {
  readonly message: MessageDescriptor | undefined;
  readonly value: ProtoObject;
}

const EMPTY: Answer = { message: undefined, value: {} };

function answer(message: MessageDescriptor, value: ProtoObject): Answer {
  return { message, value };
}

/**
 * The compiled text encoder of a response message, shared by every service.
 * A stored task is never changed in place (UpdateTask stores a new `OnaTask`,
 * and every field is readonly), so its text is kept per task object.
 */
const textEncoderOf = jsonEncoders({ immutable: new Set([schema.Task]) });

/**
 * The methods that read tasks and then write: run one at a time per engine
 * (see `serializeWrite`), after decoding and validation.
 */
const WRITES: ReadonlySet<OnaMethod> = new Set<OnaMethod>([
  'CreateTask',
  'UpdateTask',
  'DeleteTask',
  'StartTask',
]);

/** The Ona automation service for tasks and task executions on one engine. */
export class OnaService {
  readonly options: ResolvedOnaApiOptions;
  readonly #context: OnaContext;

  constructor(options: OnaApiOptions) {
    this.options = resolveOnaApiOptions(options);
    if (!isOnaEngine(this.options.engine)) {
      throw new TypeError(
        'Expected `engine` to be created by createOnaEngine(), got an engine whose executor does not run Ona plans',
      );
    }
    const { engine } = this.options;
    this.#context = { engine, options: this.options, state: onaStateOf(engine) };
  }

  /**
   * The subject of an `Authorization` header; throws `unauthenticated` when
   * it carries no bearer token, or (strict mode) an unknown one.
   */
  authenticate(authorization: string | null | undefined): OnaSubject {
    const match = /^Bearer\s+(\S.*)$/i.exec(authorization?.trim() ?? '');
    const token = match?.[1]?.trim();
    if (token === undefined || token === '') {
      throw new OnaError('unauthenticated', MESSAGE_MISSING_TOKEN);
    }
    const { mode, tokens } = this.options.auth;
    const subject = Object.hasOwn(tokens, token) ? tokens[token] : undefined;
    if (subject !== undefined) return subject;
    if (mode === 'strict') throw new OnaError('unauthenticated', MESSAGE_INVALID_TOKEN);
    return DEFAULT_ONA_SUBJECT;
  }

  /**
   * Runs `method` on a parsed JSON body and returns the proto3-JSON answer.
   * Throws an {@link OnaError}.
   */
  async call(method: OnaMethod, body: unknown, call: OnaCallOptions = {}): Promise<ProtoObject> {
    const answer = await this.#run(method, body, call);
    return answer.message === undefined ? {} : encodeMessage(answer.message, answer.value);
  }

  /**
   * {@link call}, answering the proto3 JSON as text: the same bytes as
   * `JSON.stringify(await call(…))`, written by compiled encoders, with the
   * text of each stored task reused while the task is unchanged.
   */
  async callJson(method: OnaMethod, body: unknown, call: OnaCallOptions = {}): Promise<string> {
    const answer = await this.#run(method, body, call);
    return answer.message === undefined ? '{}' : textEncoderOf(answer.message)(answer.value);
  }

  /** Runs `method`; returns the response message and its value (`undefined`: `{}`). */
  async #run(method: OnaMethod, body: unknown, call: OnaCallOptions): Promise<Answer> {
    const request = decodeRequest(method, body);
    await this.ready();
    const work = (): Promise<Answer> => this.#dispatch(method, request, call);
    const answered = await (WRITES.has(method)
      ? serializeWrite(this.#context.state, work)
      : work());
    // What the client is told is in the store first (a durable store: survives a restart).
    await this.#context.state.writer.settled();
    return answered;
  }

  /** Resolves once the stored execution records are loaded (the first call loads them). */
  ready(): Promise<void> {
    return loadOnaState(this.#context.state, this.#context.engine);
  }

  async #dispatch(method: OnaMethod, request: ProtoObject, call: OnaCallOptions): Promise<Answer> {
    const subject = call.subject ?? DEFAULT_ONA_SUBJECT;
    const query = call.query ?? {};
    const context = this.#context;
    const id = (request.id as string | undefined) ?? '';
    switch (method) {
      case 'CreateTask':
        return answer(schema.TaskResponse, {
          task: await createTask(context, request as CreateTaskInput, subject),
        });
      case 'GetTask':
        return answer(schema.TaskResponse, { task: await getTask(context, id) });
      case 'UpdateTask':
        await updateTask(context, request as UpdateTaskInput);
        return EMPTY;
      case 'ListTasks': {
        const { tasks, nextToken } = await listTasks(context, request as ListTasksInput, query);
        return answer(schema.ListTasksResponse, { pagination: { nextToken }, tasks });
      }
      case 'DeleteTask':
        await deleteTask(context, id);
        return EMPTY;
      case 'StartTask':
        return answer(schema.TaskExecutionResponse, {
          taskExecution: await startTask(context, id, subject),
        });
      case 'ListTaskExecutions': {
        const { taskExecutions, nextToken } = listTaskExecutions(
          context,
          request as ListTaskExecutionsInput,
          query,
        );
        return answer(schema.ListTaskExecutionsResponse, {
          pagination: { nextToken },
          taskExecutions,
        });
      }
      case 'GetTaskExecution':
        return answer(schema.TaskExecutionResponse, {
          taskExecution: getTaskExecution(context, id),
        });
      case 'StopTaskExecution':
        stopTaskExecution(context, id);
        return EMPTY;
    }
  }

  /**
   * Starts every task of `environmentId` whose `triggeredBy` holds `trigger`
   * (what the environment does on start, on prebuild…). Executions' `startedBy`
   * is the trigger's key.
   */
  fireTrigger(
    environmentId: string,
    trigger: TriggerName,
    subject: OnaSubject = DEFAULT_ONA_SUBJECT,
  ): Promise<{ executions: OnaTaskExecution[]; failures: { taskId: string; error: OnaError }[] }> {
    // One write as a whole: its starts do not interleave with other writes.
    return this.ready().then(() =>
      serializeWrite(this.#context.state, () =>
        startTriggered(this.#context, environmentId, trigger, subject),
      ),
    );
  }

  /** Forgets every execution record, here and in the store (the fake's reset; tasks live in the engine). */
  forgetExecutions(): Promise<void> {
    return clearOnaExecutions(this.#context.state);
  }
}
