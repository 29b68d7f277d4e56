import { describe, expect, it } from 'vitest';
import {
  validateTaskRequest,
  validateTaskUpdateRequest,
} from '../../../src/api/cts/request-validator.ts';

const SCHEMA = "request body has an error: doesn't match schema #/components/schemas/TaskRequest: ";
const JSON_CT = 'application/json';

function message(body: string, ...contentType: [string | undefined] | []): string {
  const result = validateTaskRequest(body, contentType.length === 0 ? JSON_CT : contentType[0]);
  if (result.ok) throw new Error(`expected a failure for ${body}`);
  return result.message;
}

describe('validateTaskRequest: kin-openapi messages (api/middleware_test.go TestWithSwaggerValidate)', () => {
  it.each([
    ['empty request', '', 'request body has an error: value is required but missing'],
    [
      'missing required fields',
      '{"task":{"name":"valid_task","module":"./example-module"}}',
      `${SCHEMA}Error at "/task/condition": property "condition" is missing`,
    ],
    [
      'invalid field',
      '{"task":{"name":"valid_task","condition":{"services":{"names":["api"]}},"module":"./example-module","services":["api"]}}',
      `${SCHEMA}Error at "/task": property "services" is unsupported`,
    ],
    [
      'invalid condition services field',
      '{"task":{"name":"valid_task","condition":{"services":{"source_includes_var":true,"names":["api"]}},"module":"./example-module"}}',
      `${SCHEMA}Error at "/task/condition/services": property "source_includes_var" is unsupported`,
    ],
    [
      'invalid condition kv field',
      '{"task":{"name":"valid_task","module_input":{"services":{"names":["api"]}},"condition":{"consul_kv":{"path":"this/path","source_includes_var":true}},"module":"./example-module"}}',
      `${SCHEMA}Error at "/task/condition/consul_kv": property "source_includes_var" is unsupported`,
    ],
    [
      'invalid condition catalog services field',
      '{"task":{"name":"valid_task","module_input":{"services":{"names":["api"]}},"condition":{"catalog_services":{"source_includes_var":true,"regexp":"*"}},"module":"./example-module"}}',
      `${SCHEMA}Error at "/task/condition/catalog_services": property "source_includes_var" is unsupported`,
    ],
    [
      'invalid module input consul kv field',
      '{"task":{"name":"valid_task","condition":{"services":{"names":["api"]}},"module_input":{"consul_kv":{"invalid_field":true,"path":"this/path"}},"module":"./example-module"}}',
      `${SCHEMA}Error at "/task/module_input/consul_kv": property "invalid_field" is unsupported`,
    ],
    [
      'invalid module input services field',
      '{"task":{"name":"valid_task","condition":{"services":{"names":["api"]}},"module_input":{"services":{"invalid_field":true,"names":["api"]}},"module":"./example-module"}}',
      `${SCHEMA}Error at "/task/module_input/services": property "invalid_field" is unsupported`,
    ],
  ])('%s', (_name, body, expected) => {
    expect(message(body)).toBe(expected);
  });
});

describe('validateTaskRequest: types, order and decoding', () => {
  it.each([
    // e2e TestE2E_TaskEndpoints_InvalidSchema: "module": true
    [
      'wrong type',
      '{"task":{"name":"t","module":true,"condition":{}}}',
      `${SCHEMA}Error at "/task/module": value must be a string`,
    ],
    [
      'wrong type boolean',
      '{"task":{"name":"t","module":"m","condition":{},"enabled":"yes"}}',
      `${SCHEMA}Error at "/task/enabled": value must be a boolean`,
    ],
    [
      'wrong type object',
      '{"task":{"name":"t","module":"m","condition":[]}}',
      `${SCHEMA}Error at "/task/condition": value must be an object`,
    ],
    [
      'wrong type array',
      '{"task":{"name":"t","module":"m","condition":{},"providers":"aws"}}',
      `${SCHEMA}Error at "/task/providers": value must be an array`,
    ],
    [
      'array item',
      '{"task":{"name":"t","module":"m","condition":{},"providers":["a",2]}}',
      `${SCHEMA}Error at "/task/providers/1": value must be a string`,
    ],
    [
      'map value',
      '{"task":{"name":"t","module":"m","condition":{},"variables":{"k":false}}}',
      `${SCHEMA}Error at "/task/variables/k": value must be a string`,
    ],
    [
      'null not nullable',
      '{"task":{"name":null,"module":"m","condition":{}}}',
      `${SCHEMA}Error at "/task/name": Value is not nullable`,
    ],
    [
      'number out of float64 range',
      '{"task":{"name":"t","module":1e400,"condition":{}}}',
      `${SCHEMA}Error at "/task/module": strconv.ParseFloat: parsing "1e400": value out of range`,
    ],
    ['top-level not an object', '"task"', `${SCHEMA}value must be an object`],
    ['top-level null', 'null', `${SCHEMA}Value is not nullable`],
    [
      'top-level unsupported key has no path',
      '{"extra":1,"task":{}}',
      `${SCHEMA}property "extra" is unsupported`,
    ],
    ['task missing', '{}', `${SCHEMA}Error at "/task": property "task" is missing`],
    [
      'required in declared order',
      '{"task":{}}',
      `${SCHEMA}Error at "/task/name": property "name" is missing`,
    ],
    [
      'module before condition',
      '{"task":{"name":"t"}}',
      `${SCHEMA}Error at "/task/module": property "module" is missing`,
    ],
    [
      'unsupported before missing',
      '{"task":{"zzz":1}}',
      `${SCHEMA}Error at "/task": property "zzz" is unsupported`,
    ],
    [
      'sorted keys: buffer_period before module',
      '{"task":{"module":5,"buffer_period":{"x":1},"name":"t","condition":{}}}',
      `${SCHEMA}Error at "/task/buffer_period": property "x" is unsupported`,
    ],
    [
      'sorted keys: condition before description',
      '{"task":{"description":5,"condition":{"services":{"names":[1]}},"name":"t","module":"m"}}',
      `${SCHEMA}Error at "/task/condition/services/names/0": value must be a string`,
    ],
    [
      'nested required',
      '{"task":{"name":"t","module":"m","condition":{"schedule":{}}}}',
      `${SCHEMA}Error at "/task/condition/schedule/cron": property "cron" is missing`,
    ],
    [
      'catalog regexp required',
      '{"task":{"name":"t","module":"m","condition":{"catalog_services":{}}}}',
      `${SCHEMA}Error at "/task/condition/catalog_services/regexp": property "regexp" is missing`,
    ],
    [
      'module_input consul_kv path required',
      '{"task":{"name":"t","module":"m","condition":{},"module_input":{"consul_kv":{}}}}',
      `${SCHEMA}Error at "/task/module_input/consul_kv/path": property "path" is missing`,
    ],
    [
      'tfc workspace unsupported key',
      '{"task":{"name":"t","module":"m","condition":{},"terraform_cloud_workspace":{"workspace":"w"}}}',
      `${SCHEMA}Error at "/task/terraform_cloud_workspace": property "workspace" is unsupported`,
    ],
    [
      'Go %q quoting of keys',
      '{"task":{"name":"t","module":"m","condition":{},"a\\"b":1}}',
      `${SCHEMA}Error at "/task": property "a\\"b" is unsupported`,
    ],
    [
      'fmt.Errorf mangles % in the message',
      '{"task":{"name":"t","module":"m","condition":{},"50%d":1}}',
      `${SCHEMA}Error at "/task": property "50%!d(MISSING)" is unsupported`,
    ],
    [
      'only the first line is kept',
      '{"task":{"variables":{"a\\nb":1}}}',
      `${SCHEMA}Error at "/task/variables/a`,
    ],
  ])('%s', (_name, body, expected) => {
    expect(message(body)).toBe(expected);
  });

  it.each([
    ['{"task":', 'unexpected EOF'],
    ['   ', 'EOF'],
    ['abc', "invalid character 'a' looking for beginning of value"],
    ['{"task" 1}', "invalid character '1' after object key"],
    ['{"task":{} "x"}', `invalid character '"' after object key:value pair`],
    ['{task:1}', "invalid character 't' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"\u0001"}', "invalid character '\\x01' in string literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":-x}', "invalid character 'x' in numeric literal"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ["'x'", "invalid character '\\'' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['%', "invalid character '%!'(MISSING) looking for beginning of value"],
  ])('bad JSON %j → failed to decode request body: %s', (body, goError) => {
    expect(message(body)).toBe(
      `request body has an error: failed to decode request body: ${goError}`,
    );
  });

  it("reports Go's max nesting depth", () => {
    expect(message('['.repeat(10_001))).toBe(
      "request body has an error: failed to decode request body: invalid character '[' exceeded max depth",
    );
  });

  it('survives deep nesting inside an unsupported key without recursion', () => {
    const deep = `{"task":{"x":${'['.repeat(9_000)}${']'.repeat(9_000)}}}`;
    expect(message(deep)).toBe(`${SCHEMA}Error at "/task": property "x" is unsupported`);
  });

  it('refuses bodies over the size guard', () => {
    expect(validateTaskRequest('{"task":{}}', JSON_CT, { maxBodyBytes: 5 })).toEqual({
      ok: false,
      message: 'request body has an error: reading failed: http: request body too large',
    });
    expect(validateTaskRequest(`"${'é'.repeat(3)}"`, JSON_CT, { maxBodyBytes: 7 }).ok).toBe(false);
  });

  it('ignores data after the first JSON value, as json.Decoder does', () => {
    const result = validateTaskRequest(
      '{"task":{"name":"t","module":"m","condition":{}}} trailing',
      JSON_CT,
    );
    expect(result.ok).toBe(true);
  });

  it('decodes surrogate escapes like Go', () => {
    const result = validateTaskRequest(
      '{"task":{"name":"t","module":"m","condition":{},"description":"\\ud83d\\ude00 \\ud800"}}',
      JSON_CT,
    );
    expect(result.ok && result.value.task.description).toBe('😀 \uFFFD');
  });
});

describe('validateTaskRequest: Content-Type (openapi3.Content.Get)', () => {
  const body = '{"task":{"name":"t","module":"m","condition":{}}}';
  it.each([
    [undefined, 'request body has an error: header Content-Type has unexpected value ""'],
    [
      'text/plain',
      'request body has an error: header Content-Type has unexpected value "text/plain"',
    ],
    [
      'Application/JSON',
      'request body has an error: header Content-Type has unexpected value "Application/JSON"',
    ],
    [
      'application/json ; charset=utf-8',
      'request body has an error: header Content-Type has unexpected value "application/json ; charset=utf-8"',
    ],
    [
      'application/x-www-form-urlencoded',
      'request body has an error: header Content-Type has unexpected value "application/x-www-form-urlencoded"',
    ],
  ])('%s is refused', (contentType, expected) => {
    expect(message(body, contentType)).toBe(expected);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json;x'])(
    '%s is accepted',
    (contentType) => {
      expect(validateTaskRequest(body, contentType).ok).toBe(true);
    },
  );

  it('checks the empty body before the Content-Type', () => {
    expect(message('', undefined)).toBe('request body has an error: value is required but missing');
  });
});

describe('validateTaskRequest: defaults injection', () => {
  it.each([
    [
      'task.enabled',
      { name: 't', module: 'm', condition: {} },
      { name: 't', module: 'm', condition: {}, enabled: true },
    ],
    [
      'explicit enabled false is kept',
      { name: 't', module: 'm', condition: {}, enabled: false },
      { name: 't', module: 'm', condition: {}, enabled: false },
    ],
    [
      'null enabled becomes the default',
      { name: 't', module: 'm', condition: {}, enabled: null },
      { name: 't', module: 'm', condition: {}, enabled: true },
    ],
    [
      'services.use_as_module_input',
      { name: 't', module: 'm', condition: { services: { names: ['api'] } } },
      {
        name: 't',
        module: 'm',
        condition: { services: { names: ['api'], use_as_module_input: true } },
        enabled: true,
      },
    ],
    [
      'catalog_services.use_as_module_input',
      { name: 't', module: 'm', condition: { catalog_services: { regexp: '.*' } } },
      {
        name: 't',
        module: 'm',
        condition: { catalog_services: { regexp: '.*', use_as_module_input: true } },
        enabled: true,
      },
    ],
    [
      'consul_kv.recurse and use_as_module_input',
      { name: 't', module: 'm', condition: { consul_kv: { path: 'k', recurse: null } } },
      {
        name: 't',
        module: 'm',
        condition: { consul_kv: { path: 'k', recurse: false, use_as_module_input: true } },
        enabled: true,
      },
    ],
    [
      'module_input.consul_kv.recurse',
      { name: 't', module: 'm', condition: {}, module_input: { consul_kv: { path: 'k' } } },
      {
        name: 't',
        module: 'm',
        condition: {},
        module_input: { consul_kv: { path: 'k', recurse: false } },
        enabled: true,
      },
    ],
    [
      'no defaults where the enclosing object is absent',
      { name: 't', module: 'm', condition: { schedule: { cron: '* * * * *' } }, module_input: {} },
      {
        name: 't',
        module: 'm',
        condition: { schedule: { cron: '* * * * *' } },
        module_input: {},
        enabled: true,
      },
    ],
  ])('%s', (_name, task, expected) => {
    const result = validateTaskRequest(JSON.stringify({ task }), JSON_CT);
    expect(result).toEqual({ ok: true, value: { task: expected } });
  });

  it('matches TestServe "create task": condition.services gets use_as_module_input', () => {
    const result = validateTaskRequest(
      '{"task":{"name":"task_b","module":"module","condition":{"services":{"names":["api"]}}}}',
      JSON_CT,
    );
    expect(result.ok && JSON.stringify(result.value)).toBe(
      '{"task":{"name":"task_b","module":"module","condition":{"services":{"names":["api"],"use_as_module_input":true}},"enabled":true}}',
    );
  });

  it('drops nothing it cannot see: cts_user_defined_meta values may be null', () => {
    const result = validateTaskRequest(
      '{"task":{"name":"t","module":"m","condition":{"services":{"regexp":"a","cts_user_defined_meta":{"k":null}}}}}',
      JSON_CT,
    );
    expect(result.ok).toBe(true);
  });
});

describe('validateTaskUpdateRequest (api/task.go decodeBody)', () => {
  it.each([
    ['{"enabled": true}', true],
    ['{"enabled": false}', false],
    ['{"enabled":"true"}', true],
    ['{"enabled":"F"}', false],
    ['{"enabled":"1"}', true],
    ['{"enabled":""}', false],
    ['{"enabled":1}', true],
    ['{"enabled":0}', false],
    ['{"Enabled":true}', true],
    ['{"ENABLED":false}', false],
  ])('%s → enabled %s', (body, enabled) => {
    expect(validateTaskUpdateRequest(body)).toEqual({ ok: true, value: { enabled } });
  });

  it.each([
    ['{"unsupported": true}', "request body's JSON contains unsupported keys: unsupported"],
    [
      '{"enabled":true,"name":"x","condition":{}}',
      "request body's JSON contains unsupported keys: condition, name",
    ],
    ['{"enabled":true,"Enabled":false}', "request body's JSON contains unsupported keys: Enabled"],
    [
      '{}',
      "/v1/tasks/:task_name currently only supports the 'enabled' field. Missing 'enabled' from the request body",
    ],
    [
      '{"enabled":null}',
      "/v1/tasks/:task_name currently only supports the 'enabled' field. Missing 'enabled' from the request body",
    ],
    [
      'null',
      "/v1/tasks/:task_name currently only supports the 'enabled' field. Missing 'enabled' from the request body",
    ],
    ['sdfsdf', "invalid character 's' looking for beginning of value"],
    ['', 'unexpected end of JSON input'],
    ['{"enabled":true', 'unexpected end of JSON input'],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['{"enabled":true} {}', "invalid character '{' after top-level value"],
    ['"x"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['[true]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['true', 'json: cannot unmarshal bool into Go value of type map[string]interface {}'],
    ['5', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
    ['{"enabled":1e999}', 'json: cannot unmarshal number 1e999 into Go value of type float64'],
    [
      '{"enabled":"yes"}',
      '1 error(s) decoding:\n\n* cannot parse \'enabled\' as bool: strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    [
      '{"enabled":[1,"a",null]}',
      "1 error(s) decoding:\n\n* 'enabled' expected type 'bool', got unconvertible type '[]interface {}', value: '[1 a <nil>]'",
    ],
    [
      '{"enabled":{"b":2.5,"a":1e21}}',
      "1 error(s) decoding:\n\n* 'enabled' expected type 'bool', got unconvertible type 'map[string]interface {}', value: 'map[a:1e+21 b:2.5]'",
    ],
    [
      '{"x":1,"enabled":"nope"}',
      '1 error(s) decoding:\n\n* cannot parse \'enabled\' as bool: strconv.ParseBool: parsing "nope": invalid syntax',
    ],
  ])('%j → %j', (body, expected) => {
    expect(validateTaskUpdateRequest(body)).toEqual({ ok: false, message: expected });
  });
});
