/**
 * The CTS contract: the HTTP-observable facts of research/cts.md §10
 * (items 1–23), checked through a real listening server with `fetch`.
 * Any subject that serves CTS's API and lets the suite drive a simulated
 * Consul and a virtual clock can run it: the fake server, or `ctsApi`
 * mounted in an app of one's own.
 *
 * Bodies are compared byte for byte (request ids are checked for go-uuid's
 * shape, then normalised); time moves only through `control.advance()` and
 * `control.waitForIdle()`.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CtsControl } from '../../src/testing/cts/control.ts';
import {
  expectJson,
  expectValidatorError,
  type HttpOptions,
  type HttpResult,
  http,
  json,
  legacyErrorBody,
  parse,
  sendErrorBody,
  UUID,
} from './http.ts';

/** What the contract needs of a subject's control surface (a subset of `FakeControl`). */
export interface CtsContractControl {
  /** Moves virtual time forward, running what falls due. */
  advance(ms: number): Promise<unknown>;
  /** Waits until no run is active, moving virtual time while runs wait on it. */
  waitForIdle(): Promise<void>;
  /** Forgets every task, event, service and scripted outcome. */
  reset(): Promise<void>;
  readonly cts: Pick<CtsControl, 'registerService' | 'deregisterService' | 'setHealth' | 'script'>;
}

/** A server under test. */
export interface CtsContractSubject {
  /** Base URL the CTS paths (`/v1/...`) are appended to, without a trailing slash. */
  readonly url: string;
  readonly control: CtsContractControl;
  close(): Promise<void>;
}

/** Options of {@link runCtsContract}. */
export interface CtsContractOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /** Starts the subject; called once per suite, and `control.reset()` runs before each test. */
  readonly createSubject: () => Promise<CtsContractSubject>;
  /** Checklist items (1–23) this subject cannot honour, each with the reason. */
  readonly skip?: Readonly<Record<number, string>>;
}

const EVENT_KEYS = ['id', 'success', 'start_time', 'end_time', 'task_name', 'error', 'config'];
/** Go's RFC 3339 with optional fraction and a zone. */
const GO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/** The finalized `condition.services` of `names: ['api']`. */
const SERVICES_API =
  '{"services":{"cts_user_defined_meta":{},"datacenter":"","filter":"","names":["api"],"namespace":"","use_as_module_input":true}}';

/** The 201 `task` of the minimal request `{name, module: 'm', condition: services api}` (§2.3). */
function canonicalTask(name: string, fields: { buffer?: string; enabled?: boolean } = {}): string {
  const buffer = fields.buffer === undefined ? '' : `"buffer_period":${fields.buffer},`;
  return `{${buffer}"condition":${SERVICES_API},"description":"","enabled":${fields.enabled ?? true},"module":"m","module_input":{},"name":"${name}","providers":[],"variables":{},"version":""}`;
}

const TASK_STATUS_METHOD = (method: string): string =>
  `'${method}' in an unsupported method. The task status API currently supports the method(s): 'GET'`;
const TASK_METHOD = (method: string): string =>
  `'${method}' in an unsupported method. The task API currently supports the method(s): 'PATCH'`;
const NOT_FOUND = (name: string): string =>
  `a task with name '${name}' does not exist or has not been initialized yet`;
const SCHEMA = "request body has an error: doesn't match schema #/components/schemas/TaskRequest: ";

interface CtsEvent {
  id: string;
  success: boolean;
  start_time: string;
  end_time: string;
  task_name: string;
  error: { message: string } | null;
  config: { providers: string[]; services: string[]; source: string } | null;
}

interface CtsTaskStatus {
  task_name: string;
  status: string;
  enabled: boolean;
  events_url: string;
  events?: CtsEvent[];
  providers: string[];
  services: string[];
}

/** Registers the CTS contract suite for one subject. */
export function runCtsContract(options: CtsContractOptions): void {
  describe(`CTS contract: ${options.name}`, () => {
    let subject: CtsContractSubject;

    beforeAll(async () => {
      subject = await options.createSubject();
    });
    afterAll(async () => {
      await subject?.close();
    });
    beforeEach(async () => {
      await subject.control.reset();
    });

    const api = (method: string, path: string, init?: HttpOptions): Promise<HttpResult> =>
      http(subject.url, method, path, init);
    const control = (): CtsContractControl => subject.control;

    /** A task on `services: api` with the buffer off (runs start at once), plus `extra`. */
    const taskBody = (name: string, extra: Record<string, unknown> = {}) => ({
      task: {
        name,
        module: 'm',
        condition: { services: { names: ['api'] } },
        buffer_period: { enabled: false },
        ...extra,
      },
    });
    const create = async (
      name: string,
      extra: Record<string, unknown> = {},
      query = '',
    ): Promise<void> => {
      const result = await api('POST', `/v1/tasks${query}`, json(taskBody(name, extra)));
      expect(result.status, result.text).toBe(201);
    };
    const statusOf = async (name: string): Promise<CtsTaskStatus> => {
      const result = await api('GET', `/v1/status/tasks/${name}?include=events`);
      expect(result.status, result.text).toBe(200);
      const entry = parse<Record<string, CtsTaskStatus>>(result)[name];
      if (entry === undefined) throw new Error(`no status entry for ${name}: ${result.text}`);
      return entry;
    };
    const eventsOf = async (name: string): Promise<CtsEvent[]> =>
      (await statusOf(name)).events ?? [];
    /** Lets synchronous triggers start, then waits for every run (moving virtual time). */
    const settle = async (): Promise<void> => {
      await control().advance(0);
      await control().waitForIdle();
    };
    /** A passing `api` instance with a new id: the data every `api` task watches changes. */
    let instances = 0;
    const changeApi = (): void => {
      instances++;
      control().cts.registerService({ name: 'api', id: `api-${instances}` });
    };
    const patch = (name: string, body: unknown, query = ''): Promise<HttpResult> =>
      api('PATCH', `/v1/tasks/${name}${query}`, json(body));
    const expectGone = async (name: string): Promise<void> => {
      expectJson(await api('GET', `/v1/tasks/${name}`), 404, sendErrorBody(NOT_FOUND(name)));
      expectJson(
        await api('GET', `/v1/status/tasks/${name}`),
        404,
        legacyErrorBody(NOT_FOUND(name)),
      );
    };

    const item = (number: number, title: string, body: () => void): void => {
      const reason = options.skip?.[number];
      if (reason === undefined) describe(`§10.${number} ${title}`, body);
      else describe.skip(`§10.${number} ${title} — skipped: ${reason}`, body);
    };

    item(1, 'OPTIONS and CORS', () => {
      const CORS = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'Content-Type',
        'access-control-allow-methods': 'GET, PUT, PATCH, POST, DELETE',
      };
      const corsOf = (result: HttpResult) => ({
        'access-control-allow-origin': result.headers.get('access-control-allow-origin'),
        'access-control-allow-headers': result.headers.get('access-control-allow-headers'),
        'access-control-allow-methods': result.headers.get('access-control-allow-methods'),
      });

      // CTS answers OPTIONS on any path; the contract only addresses paths
      // under the subject's CTS base URL (the fake serves other things beside
      // /v1, and a mounted app owns only its prefix).
      // Content-Type is not asserted: Go sends none on an empty 200, while
      // @hono/node-server labels every response (text/plain) — see the report.
      it.each([
        '/v1/tasks',
        '/v1/tasks/missing',
        '/v1/tasks/a/b',
        '/v1/status',
        '/v1/status/tasks/missing',
        '/v1/health',
        '/v1/no/such/route',
      ])('OPTIONS %s → 200, empty body, CORS headers, before routing', async (path) => {
        const result = await api('OPTIONS', path);
        expect({ status: result.status, body: result.text, cors: corsOf(result) }).toEqual({
          status: 200,
          body: '',
          cors: CORS,
        });
      });

      it('OPTIONS with a task body creates nothing', async () => {
        await api('OPTIONS', '/v1/tasks', json(taskBody('ghost')));
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });

      it.each<[string, string, number, HttpOptions | undefined]>([
        ['GET', '/v1/health', 200, undefined],
        ['GET', '/v1/tasks', 200, undefined],
        ['GET', '/v1/tasks/missing', 404, undefined],
        ['POST', '/v1/tasks', 400, { body: '{}' }],
        ['PUT', '/v1/tasks', 405, undefined],
        ['PATCH', '/v1/tasks/missing', 404, { body: '{"enabled":true}' }],
        ['GET', '/v1/status', 200, undefined],
        ['GET', '/v1/status/tasks?status=nope', 400, undefined],
        ['GET', '/v1/status/cluster', 405, undefined],
        ['GET', '/v1/no/such/route', 404, undefined],
      ])(
        '%s %s → %i carries the CORS headers and no request-id header',
        async (method, path, status, init) => {
          const result = await api(method, path, init);
          expect({ status: result.status, cors: corsOf(result) }).toEqual({ status, cors: CORS });
          expect(result.headers.get('x-request-id')).toBeNull();
        },
      );

      it("unknown paths get chi's plain-text 404", async () => {
        const result = await api('GET', '/v1/no/such/route');
        expect({ status: result.status, body: result.text }).toEqual({
          status: 404,
          body: '404 page not found\n',
        });
        expect(result.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      });
    });

    item(2, 'POST Content-Type', () => {
      it.each<[string, HttpOptions, string]>([
        ['no Content-Type at all', { contentType: null }, ''],
        ['text/plain', { contentType: 'text/plain' }, 'text/plain'],
        ['a different case', { contentType: 'Application/JSON' }, 'Application/JSON'],
        [
          'a JSON suffix type',
          { contentType: 'application/merge-patch+json' },
          'application/merge-patch+json',
        ],
      ])('%s → 400 validator error naming the value', async (_label, init, value) => {
        const result = await api('POST', '/v1/tasks', {
          ...init,
          body: JSON.stringify(taskBody('t')),
        });
        expectValidatorError(
          result,
          `request body has an error: header Content-Type has unexpected value "${value}"`,
        );
        expect(result.headers.get('x-content-type-options')).toBe('nosniff');
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });

      it('parameters after `;` are tolerated', async () => {
        const result = await api('POST', '/v1/tasks', {
          body: JSON.stringify(taskBody('t')),
          contentType: 'application/json; charset=utf-8',
        });
        expectJson(
          result,
          201,
          `{"request_id":"<id>","task":${canonicalTask('t', { buffer: '{"enabled":false,"max":"0s","min":"0s"}' })}}`,
        );
      });
    });

    item(3, 'POST schema errors (kin-openapi wording)', () => {
      const valid = { name: 't', module: 'm', condition: { services: { names: ['api'] } } };
      it.each<[string, string, string]>([
        ['empty body', '', 'request body has an error: value is required but missing'],
        [
          'invalid JSON',
          '{"task":',
          'request body has an error: failed to decode request body: unexpected EOF',
        ],
        ['no task', '{}', `${SCHEMA}Error at "/task": property "task" is missing`],
        [
          'missing name',
          JSON.stringify({ task: { module: 'm', condition: {} } }),
          `${SCHEMA}Error at "/task/name": property "name" is missing`,
        ],
        [
          'missing module',
          JSON.stringify({ task: { name: 't', condition: {} } }),
          `${SCHEMA}Error at "/task/module": property "module" is missing`,
        ],
        [
          'missing condition',
          JSON.stringify({ task: { name: 't', module: 'm' } }),
          `${SCHEMA}Error at "/task/condition": property "condition" is missing`,
        ],
        [
          'unknown task field',
          JSON.stringify({ task: { ...valid, services: ['api'] } }),
          `${SCHEMA}Error at "/task": property "services" is unsupported`,
        ],
        [
          'unknown field before a missing one',
          JSON.stringify({ task: { name: 't', bogus: 1 } }),
          `${SCHEMA}Error at "/task": property "bogus" is unsupported`,
        ],
        [
          'unknown condition.services field',
          JSON.stringify({
            task: {
              ...valid,
              condition: { services: { names: ['api'], source_includes_var: true } },
            },
          }),
          `${SCHEMA}Error at "/task/condition/services": property "source_includes_var" is unsupported`,
        ],
        [
          'unknown module_input.consul_kv field',
          JSON.stringify({
            task: { ...valid, module_input: { consul_kv: { path: 'p', invalid_field: true } } },
          }),
          `${SCHEMA}Error at "/task/module_input/consul_kv": property "invalid_field" is unsupported`,
        ],
        [
          'wrong type',
          JSON.stringify({ task: { ...valid, module: true } }),
          `${SCHEMA}Error at "/task/module": value must be a string`,
        ],
        [
          'wrong type in a list',
          JSON.stringify({ task: { ...valid, providers: [1] } }),
          `${SCHEMA}Error at "/task/providers/0": value must be a string`,
        ],
      ])('%s → 400', async (_label, body, message) => {
        const result = await api('POST', '/v1/tasks', { body });
        expectValidatorError(result, message);
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });
    });

    item(4, 'POST an existing name', () => {
      it.each(['', '?run=now', '?run=inspect'])('POST%s → 400 "already exists"', async (query) => {
        await create('t');
        const result = await api('POST', `/v1/tasks${query}`, json(taskBody('t')));
        expectJson(result, 400, sendErrorBody('task with name t already exists'));
      });
      // While the old task is pending deletion: see §10.13.
    });

    item(5, 'POST a minimal task', () => {
      it('→ 201 with the finalized task and no buffer_period', async () => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json({ task: { name: 't', module: 'm', condition: { services: { names: ['api'] } } } }),
        );
        expectJson(result, 201, `{"request_id":"<id>","task":${canonicalTask('t')}}`);
        expectJson(
          await api('GET', '/v1/tasks/t'),
          200,
          `{"request_id":"<id>","task":${canonicalTask('t')}}`,
        );
      });

      it('→ status unknown, no events, events_url ""', async () => {
        await create('t');
        const unknown =
          '{"t":{"task_name":"t","status":"unknown","enabled":true,"events_url":"","providers":[],"services":[]}}';
        expectJson(await api('GET', '/v1/status/tasks/t'), 200, unknown);
        expectJson(await api('GET', '/v1/status/tasks/t?include=events'), 200, unknown);
      });

      it.each<[string, Record<string, unknown>, string]>([
        [
          'services by regexp',
          { services: { regexp: '^api' } },
          '{"services":{"cts_user_defined_meta":{},"datacenter":"","filter":"","namespace":"","regexp":"^api","use_as_module_input":true}}',
        ],
        [
          'catalog_services',
          { catalog_services: { regexp: '^api$' } },
          '{"catalog_services":{"datacenter":"","namespace":"","node_meta":{},"regexp":"^api$","use_as_module_input":true}}',
        ],
        [
          'consul_kv',
          { consul_kv: { path: 'cfg/key' } },
          '{"consul_kv":{"datacenter":"","namespace":"","path":"cfg/key","recurse":false,"use_as_module_input":true}}',
        ],
        [
          'use_as_module_input false kept',
          { services: { names: ['api'], use_as_module_input: false } },
          '{"services":{"cts_user_defined_meta":{},"datacenter":"","filter":"","names":["api"],"namespace":"","use_as_module_input":false}}',
        ],
      ])('condition %s is finalized', async (_label, condition, expected) => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json({ task: { name: 't', module: 'm', condition } }),
        );
        expect(result.status, result.text).toBe(201);
        expect(JSON.stringify(parse<{ task: { condition: unknown } }>(result).task.condition)).toBe(
          expected,
        );
      });

      it('providers, variables, description and module_input are echoed', async () => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json({
            task: {
              name: 't',
              module: 'm',
              description: 'd',
              providers: ['aws'],
              variables: { a: '1' },
              version: '1.0.0',
              condition: { schedule: { cron: '* * * * *' } },
              module_input: { services: { names: ['api'] } },
            },
          }),
        );
        expectJson(
          result,
          201,
          '{"request_id":"<id>","task":{"buffer_period":{"enabled":false,"max":"0s","min":"0s"},"condition":{"schedule":{"cron":"* * * * *"}},"description":"d","enabled":true,"module":"m","module_input":{"services":{"cts_user_defined_meta":{},"datacenter":"","filter":"","names":["api"],"namespace":""}},"name":"t","providers":["aws"],"variables":{"a":"1"},"version":"1.0.0"}}',
        );
      });
    });

    item(6, 'POST run=now', () => {
      it('→ 201 and exactly one successful event', async () => {
        changeApi();
        const result = await api('POST', '/v1/tasks?run=now', json(taskBody('t')));
        expectJson(
          result,
          201,
          `{"request_id":"<id>","task":${canonicalTask('t', { buffer: '{"enabled":false,"max":"0s","min":"0s"}' })}}`,
        );
        await settle();
        const status = await statusOf('t');
        expect(status).toMatchObject({
          task_name: 't',
          status: 'successful',
          enabled: true,
          events_url: '/v1/status/tasks/t?include=events',
          providers: [],
          services: [],
        });
        expect(status.events).toHaveLength(1);
        const event = status.events?.[0] as CtsEvent;
        expect(Object.keys(event)).toEqual(EVENT_KEYS);
        expect(event).toMatchObject({
          success: true,
          task_name: 't',
          error: null,
          config: { providers: [], services: [], source: 'm' },
        });
        expect(event.id).toMatch(UUID);
        expect(event.start_time).toMatch(GO_TIME);
        expect(event.end_time).toMatch(GO_TIME);
        expect(Date.parse(event.end_time)).toBeGreaterThanOrEqual(Date.parse(event.start_time));
      });

      it('an apply failure → 500 with the error, and no task', async () => {
        control().cts.script('t', { success: false, error: 'apply exploded' });
        const result = await api('POST', '/v1/tasks?run=now', json(taskBody('t')));
        expectJson(result, 500, sendErrorBody("error tf-apply for 't': apply exploded"));
        await expectGone('t');
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
        // The name is free again.
        await create('t');
      });

      it('a disabled task is created without a run or an event', async () => {
        await create('t', { enabled: false }, '?run=now');
        await settle();
        expect(await statusOf('t')).toMatchObject({ status: 'unknown', enabled: false });
        expect(await eventsOf('t')).toEqual([]);
      });
    });

    item(7, 'POST run=inspect', () => {
      it('→ 200 with the plan; the task is not created; repeatable', async () => {
        changeApi();
        for (let round = 0; round < 2; round++) {
          const result = await api('POST', '/v1/tasks?run=inspect', json(taskBody('t')));
          expect(result.status, result.text).toBe(200);
          const body = parse<{
            request_id: string;
            run: { changes_present: boolean; plan: string };
            task: unknown;
          }>(result);
          expect(Object.keys(body)).toEqual(['request_id', 'run', 'task']);
          expect(body.request_id).toMatch(UUID);
          expect(Object.keys(body.run)).toEqual(['changes_present', 'plan']);
          expect(body.run.changes_present).toBe(true);
          expect(body.run.plan).not.toBe('');
          // Built from the converted request: no top-level defaults (§2.3).
          expect(JSON.stringify(body.task)).toBe(
            `{"buffer_period":{"enabled":false,"max":"0s","min":"0s"},"condition":${SERVICES_API},"enabled":true,"module":"m","name":"t"}`,
          );
          await expectGone('t');
        }
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });

      it('of a disabled task → the skipped-inspection plan', async () => {
        const result = await api(
          'POST',
          '/v1/tasks?run=inspect',
          json({ task: { ...taskBody('t').task, enabled: false, buffer_period: undefined } }),
        );
        expectJson(
          result,
          200,
          `{"request_id":"<id>","run":{"changes_present":false,"plan":"Task is disabled, inspection was skipped."},"task":{"condition":${SERVICES_API},"enabled":false,"module":"m","name":"t"}}`,
        );
      });
    });

    item(8, 'the run parameter', () => {
      it.each<[string, string]>([
        [
          '?run=INSPECT',
          'parameter "run" in query has an error: value is not one of the allowed values ["now","inspect"]',
        ],
        [
          '?run=x',
          'parameter "run" in query has an error: value is not one of the allowed values ["now","inspect"]',
        ],
        ['?run=', 'parameter "run" in query has an error: empty value is not allowed'],
        [
          '?run=now&run=inspect',
          "Invalid format for parameter run: multiple values for single value parameter 'run'",
        ],
      ])('POST %s → 400', async (query, message) => {
        expectValidatorError(await api('POST', `/v1/tasks${query}`, json(taskBody('t'))), message);
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });

      it('POST ignores unknown query parameters', async () => {
        const result = await api('POST', '/v1/tasks?foo=bar', json(taskBody('t')));
        expect(result.status).toBe(201);
      });

      it('PATCH run=INSPECT is accepted (lower-cased)', async () => {
        await create('t');
        const result = await patch('t', { enabled: true }, '?run=INSPECT');
        expect(result.status, result.text).toBe(200);
        expect(Object.keys(parse<Record<string, unknown>>(result))).toEqual(['inspect']);
      });

      it.each<[string, string]>([
        [
          '?run=x',
          'unsupported run parameter value. only supporting run values now and inspect but got x',
        ],
        [
          '?run=',
          'unsupported run parameter value. only supporting run values now and inspect but got ',
        ],
        [
          '?run=now&run=inspect',
          'cannot support more than one run query parameter, got run values: [now inspect]',
        ],
      ])('PATCH %s → 400 (legacy body)', async (query, message) => {
        await create('t');
        expectJson(await patch('t', { enabled: false }, query), 400, legacyErrorBody(message));
        expect(await statusOf('t')).toMatchObject({ enabled: true });
      });
    });

    item(9, 'semantic validation: 500, or 400 under inspect', () => {
      const services = (condition: Record<string, unknown>) => ({
        condition: { services: condition },
      });
      it.each<[string, string, Record<string, unknown>, string]>([
        [
          'name with a leading digit',
          '1task',
          {},
          'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "1task"',
        ],
        [
          'name with a dot',
          'task.a',
          {},
          'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "task.a"',
        ],
        ['empty name', '', {}, 'unique name for the task is required'],
        ['empty module', 't', { module: '' }, 'module for the task is required'],
        [
          'bad cron',
          't',
          { condition: { schedule: { cron: 'not a cron' } } },
          'unable to parse schedule condition\'s cron config "not a cron": missing field(s). for more information on writing cron expressions, see https://github.com/hashicorp/cronexpr',
        ],
        [
          'empty cron',
          't',
          { condition: { schedule: { cron: '' } } },
          'cron config is required for schedule condition',
        ],
        [
          'bad services regexp',
          't',
          services({ regexp: '(' }),
          'error validating `condition "services"` block: unable to compile services regexp: error parsing regexp: missing closing ): `(`',
        ],
        [
          'services with neither names nor regexp',
          't',
          services({}),
          'error validating `condition "services"` block: either the regexp or names field must be configured',
        ],
        [
          'an empty service name',
          't',
          services({ names: ['api', ''] }),
          'error validating `condition "services"` block: names field includes empty string(s). services names cannot be empty',
        ],
        [
          'bad catalog regexp',
          't',
          { condition: { catalog_services: { regexp: '(' } } },
          "unable to compile catalog-services 'regexp': error parsing regexp: missing closing ): `(`",
        ],
        [
          'empty kv path',
          't',
          { condition: { consul_kv: { path: '' } } },
          'path is required for consul-kv condition',
        ],
        [
          'two instances of a provider',
          't',
          { providers: ['aws', 'aws.east'] },
          'only one provider instance per task',
        ],
        [
          'condition and module_input on services',
          't',
          { module_input: { services: { names: ['web'] } } },
          'task\'s condition block and module_input block both monitor "services" variable type. condition and module_input variable type must be unique',
        ],
        [
          'negative buffer',
          't',
          { buffer_period: { min: '-1s' } },
          'buffer_period: cannot be negative',
        ],
      ])('%s', async (_label, name, extra, message) => {
        const body = json(taskBody(name, extra));
        expectJson(await api('POST', '/v1/tasks', body), 500, sendErrorBody(message));
        expectJson(await api('POST', '/v1/tasks?run=inspect', body), 400, sendErrorBody(message));
        expectJson(await api('POST', '/v1/tasks?run=now', body), 500, sendErrorBody(message));
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });
    });

    item(10, 'buffer_period echo and parsing', () => {
      it.each<[Record<string, unknown>, string]>([
        [{ max: '5m' }, '{"max":"5m0s","min":"0s"}'],
        [{ min: '300ms' }, '{"max":"0s","min":"300ms"}'],
        [{ enabled: true, min: '1.5s', max: '1h' }, '{"enabled":true,"max":"1h0m0s","min":"1.5s"}'],
        [{ enabled: false }, '{"enabled":false,"max":"0s","min":"0s"}'],
        [{ min: '90s', max: '2h3m4s' }, '{"max":"2h3m4s","min":"1m30s"}'],
      ])('%j → %s', async (buffer, echoed) => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json(taskBody('t', { buffer_period: buffer })),
        );
        expectJson(
          result,
          201,
          `{"request_id":"<id>","task":${canonicalTask('t', { buffer: echoed })}}`,
        );
        expectJson(
          await api('GET', '/v1/tasks/t'),
          200,
          `{"request_id":"<id>","task":${canonicalTask('t', { buffer: echoed })}}`,
        );
      });

      it.each<[string, string]>([
        ['abc', 'time: invalid duration "abc"'],
        ['5', 'time: missing unit in duration "5"'],
        ['1x', 'time: unknown unit "x" in duration "1x"'],
      ])('an invalid duration %j → 400', async (value, goError) => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json(taskBody('t', { buffer_period: { min: value } })),
        );
        expectJson(result, 400, sendErrorBody(`error with task configuration: ${goError}`));
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });

      it('a schedule task always shows a disabled buffer', async () => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json({
            task: {
              name: 's',
              module: 'm',
              condition: { schedule: { cron: '*/5 * * * *' } },
              buffer_period: { enabled: true, min: '10s', max: '1m' },
            },
          }),
        );
        expect(result.status, result.text).toBe(201);
        expect(
          JSON.stringify(parse<{ task: { buffer_period: unknown } }>(result).task.buffer_period),
        ).toBe('{"enabled":false,"max":"0s","min":"0s"}');
      });
    });

    item(11, 'GET /v1/tasks', () => {
      it('empty → tasks: []', async () => {
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
      });

      it('lists tasks in insertion order, each as GET /v1/tasks/{name} shows it', async () => {
        for (const name of ['b', 'a', 'c']) await create(name);
        const result = await api('GET', '/v1/tasks');
        const buffer = '{"enabled":false,"max":"0s","min":"0s"}';
        expectJson(
          result,
          200,
          `{"request_id":"<id>","tasks":[${['b', 'a', 'c'].map((name) => canonicalTask(name, { buffer })).join(',')}]}`,
        );
      });

      it('each response has a fresh request id', async () => {
        const first = parse<{ request_id: string }>(await api('GET', '/v1/tasks')).request_id;
        const second = parse<{ request_id: string }>(await api('GET', '/v1/tasks')).request_id;
        expect(first).toMatch(UUID);
        expect(second).not.toBe(first);
      });
    });

    item(12, 'unknown task on the generated routes', () => {
      it.each(['GET', 'DELETE'])('%s /v1/tasks/nope → 404 with request_id', async (method) => {
        expectJson(await api(method, '/v1/tasks/nope'), 404, sendErrorBody(NOT_FOUND('nope')));
      });
    });

    item(13, 'DELETE', () => {
      it('→ 202 {request_id}; then 404 everywhere; the name can be reused', async () => {
        await create('t', {}, '?run=now');
        await settle();
        expectJson(await api('DELETE', '/v1/tasks/t'), 202, '{"request_id":"<id>"}');
        await settle();
        await expectGone('t');
        expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
        expectJson(
          await api('GET', '/v1/status'),
          200,
          '{"task_summary":{"status":{"successful":0,"errored":0,"critical":0,"unknown":0},"enabled":{"true":0,"false":0}}}',
        );
        await create('t');
        expect(await eventsOf('t')).toEqual([]);
      });

      // Not observable over HTTP: the event of the run in progress is stored
      // and then deleted with the task at once, and a trigger while the task is
      // marked starts nothing that could outlive it; the contract sees only
      // that nothing of the task is left, and that a re-created task starts empty.
      it('a running task stays visible until its run ends, then it goes', async () => {
        await create('t', {}, '?run=now');
        await settle();
        control().cts.script('t', { durationMs: 60_000 });
        changeApi();
        await control().advance(0);
        expectJson(await api('DELETE', '/v1/tasks/t'), 202, '{"request_id":"<id>"}');
        expectJson(await api('DELETE', '/v1/tasks/t'), 202, '{"request_id":"<id>"}');
        // Still there, with its one event, counted in the summary.
        const shown = await api('GET', '/v1/tasks/t');
        expect(shown.status).toBe(200);
        expect(await eventsOf('t')).toHaveLength(1);
        expect(
          parse<{ task_summary: { enabled: { true: number } } }>(await api('GET', '/v1/status'))
            .task_summary.enabled.true,
        ).toBe(1);
        // The name is taken until the deletion finishes.
        expectJson(
          await api('POST', '/v1/tasks', json(taskBody('t'))),
          400,
          sendErrorBody('task with name t already exists'),
        );
        await control().advance(30_000);
        changeApi();
        expect((await api('GET', '/v1/tasks/t')).status).toBe(200);
        await control().advance(30_000);
        await settle();
        await expectGone('t');
        await control().advance(60_000);
        await settle();
        await expectGone('t');
        await create('t');
      });
    });

    item(14, 'PATCH', () => {
      it.each<[string, string, string, string]>([
        [
          'unsupported keys, sorted',
          '/v1/tasks/t',
          '{"enabled":true,"b":1,"a":2}',
          "request body's JSON contains unsupported keys: a, b",
        ],
        [
          'a full task object',
          '/v1/tasks/t',
          JSON.stringify(taskBody('t').task),
          "request body's JSON contains unsupported keys: buffer_period, condition, module, name",
        ],
        [
          '{}',
          '/v1/tasks/t',
          '{}',
          "/v1/tasks/:task_name currently only supports the 'enabled' field. Missing 'enabled' from the request body",
        ],
        ['invalid JSON', '/v1/tasks/t', '{"enabled":', 'unexpected end of JSON input'],
        ['an empty body', '/v1/tasks/t', '', 'unexpected end of JSON input'],
        [
          'trailing data',
          '/v1/tasks/t',
          '{"enabled":true} x',
          "invalid character 'x' after top-level value",
        ],
        [
          'an array',
          '/v1/tasks/t',
          '[]',
          'json: cannot unmarshal array into Go value of type map[string]interface {}',
        ],
        [
          'no name',
          '/v1/tasks',
          '{"enabled":true}',
          "no task name was included in the api request. Updating a task requires the task name: '/v1/tasks/:task_name'",
        ],
        [
          'an empty name',
          '/v1/tasks/',
          '{"enabled":true}',
          "no task name was included in the api request. Updating a task requires the task name: '/v1/tasks/:task_name'",
        ],
        [
          'a sub-resource',
          '/v1/tasks/a/b',
          '{"enabled":true}',
          "unsupported path '/v1/tasks/a/b'. request must be format 'path/{task-name}'. task name cannot have '/ ' and api does not support further resources",
        ],
      ])('%s → 400 (legacy body)', async (_label, path, body, message) => {
        await create('t');
        expectJson(await api('PATCH', path, { body }), 400, legacyErrorBody(message));
        expect(await statusOf('t')).toMatchObject({ enabled: true });
      });

      it('an unknown task → 404 with request_id', async () => {
        expectJson(await patch('nope', { enabled: true }), 404, sendErrorBody(NOT_FOUND('nope')));
      });

      it.each<[string, string]>([
        ['PUT', '/v1/tasks'],
        ['DELETE', '/v1/tasks'],
        ['PUT', '/v1/tasks/t'],
        ['POST', '/v1/tasks/t'],
        ['GET', '/v1/tasks/a/b'],
        ['GET', '/v1/tasks/'],
      ])('%s %s → 405 from the legacy handler', async (method, path) => {
        await create('t');
        expectJson(await api(method, path), 405, legacyErrorBody(TASK_METHOD(method)));
      });

      it('success → 200 {} and the task is disabled, with no event', async () => {
        await create('t');
        expectJson(await patch('t', { enabled: false }), 200, '{}');
        expect(await statusOf('t')).toMatchObject({ enabled: false, status: 'unknown' });
        expect(
          parse<{ task: { enabled: boolean } }>(await api('GET', '/v1/tasks/t')).task.enabled,
        ).toBe(false);
        expectJson(await patch('t', { enabled: false }), 200, '{}');
        expect(await eventsOf('t')).toEqual([]);
      });

      it('while the task runs → 500 "is active", state unchanged', async () => {
        await create('t');
        control().cts.script('t', { durationMs: 60_000 });
        changeApi();
        await control().advance(0);
        expectJson(
          await patch('t', { enabled: false }),
          500,
          sendErrorBody("task 't' is active and cannot be updated at this time"),
        );
        await control().waitForIdle();
        expect(await statusOf('t')).toMatchObject({ enabled: true });
        expect(await eventsOf('t')).toHaveLength(1);
      });

      it('inspect → {"inspect":{…}}; nothing changes', async () => {
        await create('t', { enabled: false });
        changeApi();
        const result = await patch('t', { enabled: true }, '?run=inspect');
        expect(result.status, result.text).toBe(200);
        expect(result.text.endsWith('\n')).toBe(true);
        const body = parse<{ inspect: { changes_present: boolean; plan: string } }>(result);
        expect(Object.keys(body.inspect)).toEqual(['changes_present', 'plan']);
        expect(body.inspect.changes_present).toBe(true);
        expect(body.inspect.plan).not.toBe('');
        await settle();
        expect(await statusOf('t')).toMatchObject({ enabled: false, status: 'unknown' });
        expect(await eventsOf('t')).toEqual([]);
      });

      it('inspect of disabling → empty plan, still enabled', async () => {
        await create('t');
        expectJson(
          await patch('t', { enabled: false }, '?run=inspect'),
          200,
          '{"inspect":{"changes_present":false,"plan":""}}',
        );
        expect(await statusOf('t')).toMatchObject({ enabled: true });
      });
    });

    item(15, 'PATCH enabling', () => {
      it('run=now enables and runs once: one event', async () => {
        await create('t', { enabled: false });
        changeApi();
        await settle();
        expect(await eventsOf('t')).toEqual([]);
        expectJson(await patch('t', { enabled: true }, '?run=now'), 200, '{}');
        await settle();
        const status = await statusOf('t');
        expect(status).toMatchObject({ enabled: true, status: 'successful' });
        expect(status.events).toHaveLength(1);
      });

      it('run=now failing → 500 with the error, an error event, task enabled', async () => {
        await create('t', { enabled: false });
        changeApi();
        control().cts.script('t', { success: false, error: 'no credentials' });
        expectJson(
          await patch('t', { enabled: true }, '?run=now'),
          500,
          sendErrorBody("error tf-apply for 't': no credentials"),
        );
        const status = await statusOf('t');
        expect(status).toMatchObject({ enabled: true, status: 'errored' });
        expect(status.events?.map((event) => event.error)).toEqual([
          { message: "error tf-apply for 't': no credentials" },
        ]);
      });

      it('without run: no event; the task runs on the next trigger', async () => {
        await create('t', { enabled: false });
        expectJson(await patch('t', { enabled: true }), 200, '{}');
        await settle();
        expect(await eventsOf('t')).toEqual([]);
        changeApi();
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });

      it('run=now disabling stores a successful event (code reading)', async () => {
        await create('t');
        expectJson(await patch('t', { enabled: false }, '?run=now'), 200, '{}');
        const status = await statusOf('t');
        expect(status).toMatchObject({ enabled: false, status: 'successful' });
        expect(status.events).toHaveLength(1);
      });
    });

    item(16, 'disabled tasks', () => {
      it('store no events on triggers and keep their old status', async () => {
        await create('t', {}, '?run=now');
        expectJson(await patch('t', { enabled: false }), 200, '{}');
        changeApi();
        await settle();
        changeApi();
        await settle();
        const status = await statusOf('t');
        expect(status).toMatchObject({ status: 'successful', enabled: false });
        expect(status.events).toHaveLength(1);
        expectJson(
          await api('GET', '/v1/status'),
          200,
          '{"task_summary":{"status":{"successful":1,"errored":0,"critical":0,"unknown":0},"enabled":{"true":0,"false":1}}}',
        );
      });

      it('a task created disabled stays unknown', async () => {
        await create('t', { enabled: false });
        changeApi();
        await settle();
        expectJson(
          await api('GET', '/v1/status/tasks'),
          200,
          '{"t":{"task_name":"t","status":"unknown","enabled":false,"events_url":"","providers":[],"services":[]}}',
        );
      });
    });

    item(17, 'task status', () => {
      /** Runs `t` once per entry with PATCH run=now (never retried), failing where false. */
      const runs = async (name: string, outcomes: readonly boolean[]): Promise<void> => {
        for (const [index, success] of outcomes.entries()) {
          if (!success) control().cts.script(name, { success: false, error: `failure ${index}` });
          const result = await patch(name, { enabled: true }, '?run=now');
          expect(result.status, result.text).toBe(success ? 200 : 500);
        }
      };

      it.each<[string, boolean[]]>([
        ['successful', [true]],
        ['successful', [false, false, false, false, true]],
        ['errored', [false]],
        ['errored', [true, true, true, true, false]],
        ['critical', [false, false]],
        ['critical', [false, true, false]],
        ['successful', [false, true]],
        // The oldest failure has dropped out of the 5 kept events.
        ['errored', [false, true, true, true, true, false]],
      ])('%s after %j', async (expected, outcomes) => {
        await create('t');
        await runs('t', outcomes);
        const status = await statusOf('t');
        expect(status.status).toBe(expected);
        expect(status.events).toHaveLength(Math.min(outcomes.length, 5));
      });

      it('keeps the 5 newest events, newest first', async () => {
        await create('t');
        await runs('t', [false, false, false, false, false, false, false]);
        const events = await eventsOf('t');
        expect(events.map((event) => event.error?.message)).toEqual([
          "error tf-apply for 't': failure 6",
          "error tf-apply for 't': failure 5",
          "error tf-apply for 't': failure 4",
          "error tf-apply for 't': failure 3",
          "error tf-apply for 't': failure 2",
        ]);
        expect(events.every((event) => event.success === false)).toBe(true);
      });

      it('filters by status; event-less tasks only unfiltered or for unknown', async () => {
        await create('ok');
        await runs('ok', [true]);
        await create('bad');
        await runs('bad', [false]);
        await create('new');
        const keys = async (query: string): Promise<string[]> =>
          Object.keys(parse<Record<string, unknown>>(await api('GET', `/v1/status/tasks${query}`)));
        expect(await keys('')).toEqual(['bad', 'new', 'ok']);
        expect(await keys('?status=successful')).toEqual(['ok']);
        expect(await keys('?status=SUCCESSFUL')).toEqual(['ok']);
        expect(await keys('?status=errored')).toEqual(['bad']);
        expect(await keys('?status=unknown')).toEqual(['new']);
        expectJson(await api('GET', '/v1/status/tasks?status=critical'), 200, '{}');
        // A single task filtered out → {}; one without events is shown whatever the filter.
        expectJson(await api('GET', '/v1/status/tasks/ok?status=errored'), 200, '{}');
        expectJson(
          await api('GET', '/v1/status/tasks/new?status=errored'),
          200,
          '{"new":{"task_name":"new","status":"unknown","enabled":true,"events_url":"","providers":[],"services":[]}}',
        );
        expect(await keys('/?include=events&foo=1')).toEqual(['bad', 'new', 'ok']);
      });

      it('include=events adds events only where there are some', async () => {
        await create('ok');
        await runs('ok', [true]);
        await create('new');
        const plain = parse<Record<string, CtsTaskStatus>>(await api('GET', '/v1/status/tasks'));
        expect(plain.ok && 'events' in plain.ok).toBe(false);
        const withEvents = parse<Record<string, CtsTaskStatus>>(
          await api('GET', '/v1/status/tasks?include=events'),
        );
        expect(Object.keys(withEvents.ok ?? {})).toEqual([
          'task_name',
          'status',
          'enabled',
          'events_url',
          'events',
          'providers',
          'services',
        ]);
        expect(withEvents.ok?.events_url).toBe('/v1/status/tasks/ok?include=events');
        expect(withEvents.new && 'events' in withEvents.new).toBe(false);
      });

      it('keys come out sorted by bytes', async () => {
        for (const name of ['b', 'a', 'C', '_x']) await create(name);
        expect(
          Object.keys(parse<Record<string, unknown>>(await api('GET', '/v1/status/tasks'))),
        ).toEqual(['C', '_x', 'a', 'b']);
      });

      it.each<[string, string]>([
        [
          '/v1/status/tasks?status=bogus',
          'unsupported status parameter value. only supporting status values successful, errored, critical, and unknown but got bogus',
        ],
        [
          '/v1/status/tasks?status=Bogus',
          'unsupported status parameter value. only supporting status values successful, errored, critical, and unknown but got bogus',
        ],
        [
          '/v1/status/tasks?status=ok&status=unknown',
          'cannot support more than one status query parameter, got status values: [ok unknown]',
        ],
        [
          '/v1/status/tasks?include=bogus',
          "unsupported ?include parameter value. only supporting 'include=events' but got 'include=bogus'",
        ],
        [
          '/v1/status/tasks?include=',
          "unsupported ?include parameter value. only supporting 'include=events' but got 'include='",
        ],
        [
          '/v1/status/tasks?include=EVENTS',
          "unsupported ?include parameter value. only supporting 'include=events' but got 'include=EVENTS'",
        ],
        [
          '/v1/status/tasks?include=events&include=events',
          'cannot support more than one include parameter, got include values: [events events]',
        ],
        [
          '/v1/status/tasks/t/events',
          "unsupported path '/v1/status/tasks/t/events'. request must be format 'path/{task-name}'. task name cannot have '/ ' and api does not support further resources",
        ],
        // Check order: path, status, include, lookup.
        [
          '/v1/status/tasks/a/b?status=bogus',
          "unsupported path '/v1/status/tasks/a/b'. request must be format 'path/{task-name}'. task name cannot have '/ ' and api does not support further resources",
        ],
        [
          '/v1/status/tasks/nope?status=bogus&include=bogus',
          'unsupported status parameter value. only supporting status values successful, errored, critical, and unknown but got bogus',
        ],
        [
          '/v1/status/tasks/nope?include=bogus',
          "unsupported ?include parameter value. only supporting 'include=events' but got 'include=bogus'",
        ],
      ])('GET %s → 400 (legacy body)', async (path, message) => {
        await create('t');
        expectJson(await api('GET', path), 400, legacyErrorBody(message));
      });

      it.each(['', '?include=events', '?status=unknown'])(
        'an unknown task%s → 404 without request_id',
        async (query) => {
          expectJson(
            await api('GET', `/v1/status/tasks/nope${query}`),
            404,
            legacyErrorBody(NOT_FOUND('nope')),
          );
        },
      );

      it.each([
        ['POST', '/v1/status/tasks'],
        ['PUT', '/v1/status/tasks/t'],
        ['DELETE', '/v1/status/tasks/t'],
        ['PATCH', '/v1/status/tasks'],
      ])('%s %s → 405', async (method, path) => {
        expectJson(await api(method, path), 405, legacyErrorBody(TASK_STATUS_METHOD(method)));
      });
    });

    item(18, 'overall status', () => {
      it('empty → zeros', async () => {
        expectJson(
          await api('GET', '/v1/status'),
          200,
          '{"task_summary":{"status":{"successful":0,"errored":0,"critical":0,"unknown":0},"enabled":{"true":0,"false":0}}}',
        );
      });

      it('counts health over tasks with events, unknown for the rest, enabled over all', async () => {
        const run = async (name: string, success: boolean): Promise<void> => {
          if (!success) control().cts.script(name, { success: false });
          await patch(name, { enabled: true }, '?run=now');
        };
        await create('ok');
        await run('ok', true);
        await create('bad');
        await run('bad', false);
        await create('worse');
        await run('worse', false);
        await run('worse', false);
        await create('new');
        await create('off', { enabled: false });
        const expected =
          '{"task_summary":{"status":{"successful":1,"errored":1,"critical":1,"unknown":2},"enabled":{"true":4,"false":1}}}';
        expectJson(await api('GET', '/v1/status'), 200, expected);
        // chi sends any other /v1/status/<x> to the same handler.
        expectJson(await api('GET', '/v1/status/anything'), 200, expected);
      });

      it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s /v1/status → 405', async (method) => {
        expectJson(
          await api(method, '/v1/status'),
          405,
          legacyErrorBody(
            `'${method}' in an unsupported method. The overallStatus API currently supports the method(s): 'GET'`,
          ),
        );
      });
    });

    item(19, 'health and cluster status', () => {
      it('GET /v1/health → 200 {} without request_id', async () => {
        expectJson(await api('GET', '/v1/health'), 200, '{}');
      });

      it('GET /v1/status/cluster → 405 with the HA message and request_id', async () => {
        expectJson(
          await api('GET', '/v1/status/cluster'),
          405,
          sendErrorBody('this endpoint is only available with high availability configured'),
        );
      });
    });

    item(20, 'concurrency', () => {
      it('changes during a run coalesce into one follow-up run', async () => {
        await create('t');
        control().cts.script('t', { durationMs: 60_000 });
        changeApi();
        await control().advance(0);
        for (let change = 0; change < 3; change++) {
          await control().advance(1_000);
          changeApi();
        }
        await control().advance(60_000);
        await settle();
        expect(await eventsOf('t')).toHaveLength(2);
        await control().advance(120_000);
        await settle();
        expect(await eventsOf('t')).toHaveLength(2);
      });

      it('different tasks run in parallel', async () => {
        await create('a');
        await create('b');
        control().cts.script('a', { durationMs: 60_000 });
        control().cts.script('b', { durationMs: 60_000 });
        changeApi();
        await control().advance(0);
        await control().advance(60_000);
        expect((await eventsOf('a')).length).toBe(1);
        expect((await eventsOf('b')).length).toBe(1);
      });

      it('a scheduled tick during a run is skipped', async () => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json({
            task: { name: 's', module: 'm', condition: { schedule: { cron: '* * * * *' } } },
          }),
        );
        expect(result.status, result.text).toBe(201);
        control().cts.script('s', { durationMs: 90_000 });
        // Tick 1 (within the first minute) runs 90 s, so tick 2 finds it active.
        await control().advance(60_000);
        await control().advance(60_000);
        await control().advance(60_000);
        await settle();
        expect((await eventsOf('s')).length).toBe(2);
      });
    });

    item(21, 'buffer period', () => {
      /** A task with the daemon's default buffer (5 s min, 20 s max). */
      const createBuffered = (name: string, buffer?: Record<string, unknown>) =>
        create(name, { buffer_period: buffer });

      it('the first change waits min, then one run', async () => {
        await createBuffered('t');
        changeApi();
        await control().advance(4_999);
        expect(await eventsOf('t')).toEqual([]);
        await control().advance(1);
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });

      it('further changes snooze to min but never past max; one run with the latest data', async () => {
        await createBuffered('t');
        changeApi();
        for (let second = 4; second <= 16; second += 4) {
          await control().advance(4_000);
          changeApi();
        }
        // Changes at 0, 4, 8, 12, 16 s: quiet until 21 s, but the deadline is 20 s.
        await control().advance(3_999);
        expect(await eventsOf('t')).toEqual([]);
        await control().advance(1);
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
        await control().advance(60_000);
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
        // The next change starts a new period.
        changeApi();
        await control().advance(4_999);
        expect(await eventsOf('t')).toHaveLength(1);
        await control().advance(1);
        await settle();
        expect(await eventsOf('t')).toHaveLength(2);
      });

      it('a task block {min, max} is used as given', async () => {
        await createBuffered('t', { enabled: true, min: '2s', max: '3s' });
        changeApi();
        await control().advance(1_500);
        changeApi();
        await control().advance(1_499);
        expect(await eventsOf('t')).toEqual([]);
        await control().advance(1);
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });

      it('API quirk: {"min":"10s"} leaves max 0, raised to min (not 4 × min)', async () => {
        await createBuffered('t', { min: '10s' });
        changeApi();
        await control().advance(5_000);
        changeApi();
        await control().advance(4_999);
        expect(await eventsOf('t')).toEqual([]);
        await control().advance(1);
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });

      it('buffer_period {enabled:false} runs at once', async () => {
        await create('t');
        changeApi();
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });
    });

    item(22, 'scheduled ticks', () => {
      it('every tick stores a successful event, with or without changes', async () => {
        const result = await api(
          'POST',
          '/v1/tasks',
          json({
            task: { name: 's', module: 'm', condition: { schedule: { cron: '* * * * *' } } },
          }),
        );
        expect(result.status, result.text).toBe(201);
        // Catalog changes never trigger a scheduled task.
        changeApi();
        await settle();
        expect(await eventsOf('s')).toEqual([]);
        for (let tick = 1; tick <= 3; tick++) {
          await control().advance(60_000);
          await settle();
          expect((await eventsOf('s')).length).toBe(tick);
        }
        const status = await statusOf('s');
        expect(status.status).toBe('successful');
        expect(status.events?.every((event) => event.success && event.error === null)).toBe(true);
        const starts = (status.events ?? []).map((event) => Date.parse(event.start_time));
        expect(starts).toEqual([...starts].sort((a, b) => b - a));
      });
    });

    item(23, 'a trigger without a data change', () => {
      it('stores nothing: data that changed back within the buffer', async () => {
        await create('t', { buffer_period: undefined });
        control().cts.registerService({ name: 'api', id: 'flap' });
        await control().advance(1_000);
        control().cts.deregisterService('flap');
        await control().advance(30_000);
        await settle();
        expect(await eventsOf('t')).toEqual([]);
        // The same task does record a real change.
        changeApi();
        await control().advance(30_000);
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });

      it('stores nothing: changes the condition does not watch', async () => {
        await create('t');
        control().cts.registerService({ name: 'web', id: 'web-1' });
        control().cts.registerService({ name: 'api', id: 'sick', status: 'critical' });
        control().cts.setHealth('sick', 'warning');
        await settle();
        expect(await eventsOf('t')).toEqual([]);
        control().cts.setHealth('sick', 'passing');
        await settle();
        expect(await eventsOf('t')).toHaveLength(1);
      });
    });
  });
}
