/**
 * Who may use the control API. It resets, seeds and reads everything the
 * fake holds, so a web page in the user's browser must not reach it: not by
 * a cross-site form or `fetch` (CSRF), nor by a name of its own that it
 * points at 127.0.0.1 (DNS rebinding). The dialects' routes are not guarded:
 * their real clients send any Host.
 *
 * Checked in order, each refusal in the control API's `{ error }` envelope:
 * the Host header (403), the browser's Origin and Sec-Fetch-Site (403), the
 * control token when one is set (401), the body's media type (415).
 */

import {
  hostNotAllowedMessage,
  MESSAGE_CROSS_ORIGIN,
  MESSAGE_TOKEN_REQUIRED,
  mediaTypeMessage,
} from './control-messages.ts';

/** Options of the control API's guard (fields of `FakeAppOptions`). */
export interface ControlGuardOptions {
  /**
   * Host names the control API answers besides the loopback names
   * (`localhost`, `127.x.x.x`, `[::1]`) and the host the fake listens on;
   * for a fake behind a proxy or reached by another name. `true` answers
   * any Host header.
   * @default []
   */
  readonly allowedHosts?: readonly string[] | true;
  /**
   * When set, every control request must carry it, as
   * `Authorization: Bearer <token>` or `X-Taskport-Token: <token>`.
   * @default undefined (no token)
   */
  readonly controlToken?: string;
}

/** The header that carries the control token besides `Authorization`. */
export const CONTROL_TOKEN_HEADER = 'x-taskport-token';

/** YAML's media types, for an automations file. */
const YAML_MEDIA_TYPES = new Set([
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
]);

/** A refusal: the status and the message of its `{ error }` body. */
export interface ControlRefusal {
  readonly status: 401 | 403 | 415;
  readonly message: string;
}

/** Whether a host name or address is a loopback one (`localhost`, `127.x.x.x`, `::1`). */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  return isLoopbackName(name === '::1' ? '[::1]' : name);
}

function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost') || name === '[::1]') return true;
  const parts = name.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)
  );
}

/** A Host header's name (lower case, IPv6 in brackets) and port, if it has one. */
export function parseHost(host: string): { readonly name: string; readonly port?: number } {
  const lower = host.trim().toLowerCase();
  const close = lower.startsWith('[') ? lower.indexOf(']') + 1 : 0;
  const colon = lower.indexOf(':', close);
  if (colon < 0) return { name: lower };
  const portText = lower.slice(colon + 1);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  return { name: lower.slice(0, colon), port };
}

function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Whether `a` and `b` are equal, in time that does not depend on where they differ. */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Which media types a control route takes. Most take JSON only: text/plain,
 * forms and multipart are what a browser sends cross-site without asking
 * first. A KV value (`PUT …/cts/kv/<key>`) may be anything, as in Consul:
 * a browser never sends a PUT cross-site unasked. An automations file is
 * YAML or JSON.
 */
function bodyRuleOf(method: string, path: string): 'json' | 'any' | 'yaml-or-json' {
  if (method === 'PUT' && path.startsWith('/_taskport/cts/kv/')) return 'any';
  if (method === 'POST' && /^\/_taskport\/ona\/environments\/[^/]+\/automations$/.test(path)) {
    return 'yaml-or-json';
  }
  return 'json';
}

/**
 * Whether this is the dashboard's page (`GET /_taskport/ui`), which needs
 * no control token: a browser cannot send a header when it opens a URL, and
 * the page holds no data (its script asks for the data, with the token).
 * Host and Origin are checked as for every control request.
 */
function isDashboardPage(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && path === '/_taskport/ui';
}

/** The control API's guard: answers `undefined` for a request it lets through. */
export class ControlGuard {
  readonly #allowedHosts: ReadonlySet<string> | true;
  readonly #token: string | undefined;
  /** The listening host's name and port, once known (`listeningOn`). */
  #listening: { readonly name: string; readonly port: number } | undefined;

  constructor(options: ControlGuardOptions = {}) {
    const { allowedHosts = [], controlToken } = options;
    if (allowedHosts !== true && !Array.isArray(allowedHosts)) {
      throw new TypeError(
        `Expected \`allowedHosts\` to be an array of host names or true, got ${String(allowedHosts)} (${typeof allowedHosts})`,
      );
    }
    if (controlToken !== undefined && (typeof controlToken !== 'string' || controlToken === '')) {
      throw new TypeError(
        `Expected \`controlToken\` to be a non-empty string, got ${String(controlToken)} (${typeof controlToken})`,
      );
    }
    this.#allowedHosts =
      allowedHosts === true
        ? true
        : new Set(allowedHosts.map((host) => parseHost(String(host)).name));
    this.#token = controlToken;
  }

  /**
   * Tells the guard where the fake listens: loopback names must then come
   * with this port, and `host` is allowed too. Until then any port is.
   */
  listeningOn(host: string, port: number): void {
    const { name } = parseHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    this.#listening = { name, port };
  }

  /** The refusal of `request` to `path`, or `undefined` when it may go on. */
  check(request: Request, path: string): ControlRefusal | undefined {
    const { headers } = request;
    const host = headers.get('host');
    // A request built in-process (`app.request()`, a Request handed to
    // `fetch`) has no Host header and no browser behind it.
    if (host !== null && !this.#hostAllowed(host)) {
      return { status: 403, message: hostNotAllowedMessage(host) };
    }
    if (headers.get('sec-fetch-site') === 'cross-site' || !this.#sameOrigin(headers, host)) {
      return { status: 403, message: MESSAGE_CROSS_ORIGIN };
    }
    if (
      this.#token !== undefined &&
      !isDashboardPage(request.method, path) &&
      !this.#hasToken(headers)
    ) {
      return { status: 401, message: MESSAGE_TOKEN_REQUIRED };
    }
    return this.#checkBody(request.method, path, headers);
  }

  #hostAllowed(host: string): boolean {
    if (this.#allowedHosts === true) return true;
    const { name, port } = parseHost(host);
    if (this.#allowedHosts.has(name)) return true;
    const listening = this.#listening;
    if (!isLoopbackName(name) && name !== listening?.name) return false;
    // Without a port, a Host header means port 80.
    return listening === undefined || (port ?? 80) === listening.port;
  }

  #sameOrigin(headers: Headers, host: string | null): boolean {
    const origin = headers.get('origin');
    if (origin === null) return true;
    if (host === null) return false;
    // `null` (a sandboxed frame, a file) is never our origin.
    const match = /^https?:\/\/([^/]+)$/i.exec(origin);
    return match !== null && (match[1] as string).toLowerCase() === host.trim().toLowerCase();
  }

  #hasToken(headers: Headers): boolean {
    const token = this.#token as string;
    const authorization = headers.get('authorization');
    if (authorization !== null && /^bearer /i.test(authorization)) {
      if (sameToken(authorization.slice(7).trim(), token)) return true;
    }
    const dedicated = headers.get(CONTROL_TOKEN_HEADER);
    return dedicated !== null && sameToken(dedicated.trim(), token);
  }

  #checkBody(method: string, path: string, headers: Headers): ControlRefusal | undefined {
    const rule = bodyRuleOf(method, path);
    if (rule === 'any') return undefined;
    const contentType = headers.get('content-type');
    const length = headers.get('content-length');
    const hasBody =
      headers.get('transfer-encoding') !== null || (length !== null && length.trim() !== '0');
    if (contentType === null) {
      return hasBody ? { status: 415, message: mediaTypeMessage(null) } : undefined;
    }
    const type = mediaTypeOf(contentType);
    const accepted =
      isJsonMediaType(type) || (rule === 'yaml-or-json' && YAML_MEDIA_TYPES.has(type));
    return accepted ? undefined : { status: 415, message: mediaTypeMessage(type) };
  }
}

/** The answer to a refused control request, in the control API's envelope. */
export function refusalResponse(refusal: ControlRefusal): Response {
  return new Response(JSON.stringify({ error: refusal.message }), {
    status: refusal.status,
    headers: { 'content-type': 'application/json' },
  });
}
