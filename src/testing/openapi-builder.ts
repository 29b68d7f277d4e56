/**
 * A compact way to describe control routes for the control API's OpenAPI
 * document (`GET /_taskport/openapi/control.json`): each routes file has a
 * `control-openapi.ts` beside it listing its routes as {@link PathSpecs},
 * and this turns them into OpenAPI 3.1 path items (path parameters,
 * operation ids, the `{ error }` answers). A test checks that every route
 * registered is described, and nothing else.
 */

/** A JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** The HTTP methods control routes use. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The statuses of the control API's `{ error }` answers. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500;

/** One control route. */
export interface OperationSpec {
  readonly summary: string;
  readonly description?: string;
  /** The JSON body it reads; `text` or `yaml` for a body taken as text. */
  readonly body?: JsonSchema | 'text' | 'yaml';
  /** Query parameters, each a string unless its schema says otherwise. */
  readonly query?: Readonly<
    Record<string, { readonly description: string; readonly schema?: JsonSchema }>
  >;
  /** The body of its success answer. */
  readonly response: JsonSchema;
  /** The media type of its success answer. @default 'application/json' */
  readonly responseType?: 'application/json' | 'text/html' | 'text/event-stream';
  /** @default 200 */
  readonly status?: 200 | 201;
  /** Failures beyond the ones every control route may answer (400, 401, 403, 413, 415). */
  readonly errors?: readonly ErrorStatus[];
  readonly deprecated?: boolean;
}

/** Routes by path (OpenAPI template, `{param}`), then method. */
export type PathSpecs = Readonly<
  Record<string, Partial<Readonly<Record<HttpMethod, OperationSpec>>>>
>;

/** What a routes file describes: its paths, and the schemas they refer to. */
export interface ControlOpenApi {
  readonly paths: PathSpecs;
  readonly schemas?: Readonly<Record<string, JsonSchema>>;
}

/** A reference to a schema under `components.schemas`. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** An object schema; every listed property is optional unless named in `required`. */
export function object(
  properties: Readonly<Record<string, JsonSchema>> = {},
  required: readonly string[] = [],
): JsonSchema {
  return required.length === 0
    ? { type: 'object', properties }
    : { type: 'object', properties, required };
}

/** An array of `items`. */
export function arrayOf(items: JsonSchema): JsonSchema {
  return { type: 'array', items };
}

export const STRING: JsonSchema = { type: 'string' };
export const NUMBER: JsonSchema = { type: 'number' };
export const INTEGER: JsonSchema = { type: 'integer' };
export const BOOLEAN: JsonSchema = { type: 'boolean' };
/** Any JSON object (`{}` when a route answers nothing more). */
export const ANY_OBJECT: JsonSchema = { type: 'object' };

/** The failures every control route may answer, by the guard and body reading. */
const COMMON_ERRORS: readonly ErrorStatus[] = [400, 401, 403, 413, 415];

const ERROR_TEXT: Readonly<Record<ErrorStatus, string>> = {
  400: 'The request cannot be carried out as sent',
  401: 'The control token is required',
  403: 'The Host or Origin is not allowed',
  404: 'No such item',
  409: 'It conflicts with the state of the fake',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'It could not be completed',
  500: 'The fake failed (or does not serve what the route needs, such as a cluster)',
};

function operationId(tag: string, method: HttpMethod, path: string): string {
  const words = [tag, method, ...path.split(/[^A-Za-z0-9]+/)].filter((word) => word !== '');
  return words
    .map((word, index) => (index === 0 ? word : word[0]?.toUpperCase() + word.slice(1)))
    .join('');
}

function requestBody(body: NonNullable<OperationSpec['body']>): JsonSchema {
  if (body === 'text') {
    return { required: true, content: { 'text/plain': { schema: STRING } } };
  }
  if (body === 'yaml') {
    return {
      required: true,
      content: {
        'application/yaml': { schema: STRING },
        'application/json': { schema: object({ yaml: STRING }, ['yaml']) },
      },
    };
  }
  return { required: false, content: { 'application/json': { schema: body } } };
}

function operation(tag: string, method: HttpMethod, path: string, spec: OperationSpec): JsonSchema {
  const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: STRING,
  }));
  const queryParameters = Object.entries(spec.query ?? {}).map(([name, query]) => ({
    name,
    in: 'query',
    required: false,
    description: query.description,
    schema: query.schema ?? STRING,
  }));
  const parameters = [...pathParameters, ...queryParameters];
  const errors = [...new Set([...COMMON_ERRORS, ...(spec.errors ?? [])])].sort();
  const responses: Record<string, JsonSchema> = {
    [String(spec.status ?? 200)]: {
      description: 'OK',
      content: { [spec.responseType ?? 'application/json']: { schema: spec.response } },
    },
  };
  for (const status of errors) {
    responses[String(status)] = {
      description: ERROR_TEXT[status],
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  return {
    operationId: operationId(tag, method, path),
    tags: [tag],
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(spec.deprecated === true ? { deprecated: true } : {}),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(spec.body === undefined ? {} : { requestBody: requestBody(spec.body) }),
    responses,
  };
}

/** The OpenAPI path items of `specs`, each path under `prefix`, tagged `tag`. */
export function pathItems(
  prefix: string,
  tag: string,
  specs: PathSpecs,
): Record<string, Record<string, JsonSchema>> {
  const items: Record<string, Record<string, JsonSchema>> = {};
  for (const [path, methods] of Object.entries(specs)) {
    const full = `${prefix}${path}`;
    const item: Record<string, JsonSchema> = {};
    for (const [method, spec] of Object.entries(methods)) {
      if (spec !== undefined) item[method] = operation(tag, method as HttpMethod, full, spec);
    }
    items[full] = item;
  }
  return items;
}
