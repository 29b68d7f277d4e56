/**
 * `onaApi`: Ona's EnvironmentAutomationService (tasks and task executions)
 * as a Hono app speaking Connect's unary protocol with JSON, the way
 * `@gitpod/sdk` calls it.
 */

import { type Context, Hono } from 'hono';
import { readBodyText } from '../shared/read-body.ts';
import {
  CONNECT_HTTP_STATUS,
  connectErrorResponse,
  LEGACY_CONNECT_HTTP_STATUS,
  OnaError,
} from './errors.ts';
import { nestsDeeperThan, PROTOJSON_RECURSION_LIMIT } from './json-depth.ts';
import { MESSAGE_RECURSION_DEPTH, unmarshalMessage, zeroLengthMessage } from './messages.ts';
import type { OnaApiOptions } from './options.ts';
import { connectJsonTextResponse } from './responses.ts';
import { isOnaMethod, ONA_METHODS, ONA_SERVICE_NAME, OnaService } from './service.ts';
import type { OnaMethod } from './types.ts';

/** connect-go's mux answer to an unknown procedure. */
function notFoundText(): Response {
  return new Response('404 page not found\n', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function base64UrlDecode(text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

function requestType(method: OnaMethod): string {
  const { fullName } = ONA_METHODS[method].request;
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

/** The request's JSON text, or a Response that already answers it. */
async function bodyTextOf(
  c: Context,
  service: OnaService,
  method: OnaMethod,
  query: Readonly<Record<string, string>>,
): Promise<string | Response> {
  const entry = ONA_METHODS[method];
  if (c.req.method === 'GET' && entry.noSideEffects) {
    // Connect unary GET: ?connect=v1&encoding=json&message=<json>[&base64=1]
    if (query.encoding !== 'json') {
      return new Response(null, { status: 415, headers: { 'accept-post': 'application/json' } });
    }
    const message = query.message ?? '';
    if (query.base64 !== '1') return message;
    try {
      return base64UrlDecode(message);
    } catch {
      throw new OnaError(
        'invalid_argument',
        unmarshalMessage(requestType(method), 'invalid base64'),
      );
    }
  }
  if (c.req.method !== 'POST') {
    return new Response(null, {
      status: 405,
      headers: { allow: entry.noSideEffects ? 'GET, POST' : 'POST' },
    });
  }
  if (mediaType(c.req.header('content-type')) !== 'application/json') {
    return new Response(null, { status: 415, headers: { 'accept-post': 'application/json' } });
  }
  const body = await readBodyText(c.req.raw, service.options.maxBodyBytes);
  if (body.tooLarge) {
    throw new OnaError(
      'resource_exhausted',
      `message is larger than configured max ${service.options.maxBodyBytes}`,
    );
  }
  return body.text;
}

function parseJson(method: OnaMethod, text: string): unknown {
  if (text.length === 0)
    throw new OnaError('invalid_argument', zeroLengthMessage(requestType(method)));
  // protojson stops at its recursion limit, before it could see anything later.
  if (nestsDeeperThan(text, PROTOJSON_RECURSION_LIMIT)) {
    throw new OnaError(
      'invalid_argument',
      unmarshalMessage(requestType(method), MESSAGE_RECURSION_DEPTH),
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new OnaError(
      'invalid_argument',
      unmarshalMessage(requestType(method), 'syntax error: invalid JSON'),
    );
  }
}

/**
 * The Hono app of an existing {@link OnaService} (several apps may share one).
 */
export function onaApp(service: OnaService): Hono {
  const { policies } = service.options;
  const statuses =
    policies.statusMapping === 'legacy' ? LEGACY_CONNECT_HTTP_STATUS : CONNECT_HTTP_STATUS;
  const errorResponse = (error: unknown): Response => {
    const onaError = OnaError.from(error);
    const headers: Record<string, string> =
      policies.noRetryOnConflict && statuses[onaError.code] === 409
        ? { 'x-should-retry': 'false' }
        : {};
    return connectErrorResponse(onaError, statuses, headers);
  };
  const app = new Hono();

  app.all(`/${ONA_SERVICE_NAME}/:method`, async (c) => {
    const method = c.req.param('method');
    if (!isOnaMethod(method)) return notFoundText();
    try {
      // Parsed once: each `c.req.query(name)` of an absent name re-parses (and
      // re-decodes) the whole query string, `message` included.
      const query = c.req.query();
      const text = await bodyTextOf(c, service, method, query);
      if (text instanceof Response) return text;
      const subject = service.authenticate(c.req.header('authorization'));
      const body = parseJson(method, text);
      const answer = await service.callJson(method, body, {
        subject,
        query: { token: query.token, pageSize: query.pageSize },
      });
      return connectJsonTextResponse(answer);
    } catch (error) {
      return errorResponse(error);
    }
  });
  // A sub-app's notFound is ignored once mounted, so the catch-all is a route;
  // it stays under the service path so that APIs mounted beside this one still answer.
  app.all(`/${ONA_SERVICE_NAME}`, () => notFoundText());
  app.all(`/${ONA_SERVICE_NAME}/*`, () => notFoundText());
  app.notFound(() => notFoundText());
  app.onError((error) => errorResponse(error));
  return app;
}

/**
 * Creates the Ona API on an engine from `createOnaEngine()`. Mount it at the
 * root or under any prefix (`@gitpod/sdk`'s `baseURL` usually ends in `/api`).
 *
 * @example
 * import { Hono } from 'hono';
 * import { createOnaEngine, onaApi } from 'taskport/ona';
 *
 * const engine = createOnaEngine();
 * const app = new Hono().route('/api', onaApi({ engine }));
 * // new Gitpod({ baseURL: 'http://127.0.0.1:8558/api', bearerToken: 'any' })
 * @see https://ona.com/api-reference/resources/environments/subresources/automations/subresources/tasks
 */
export function onaApi(options: OnaApiOptions): Hono {
  return onaApp(new OnaService(options));
}
