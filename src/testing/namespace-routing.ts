/**
 * Which namespace a request names, and the request as its namespace's
 * dialects and control API see it. A request names one by the header
 * `x-taskport-namespace: <name>` or the path prefix `/ns/<name>/…`; the
 * prefix is taken off the path, so the routers see the paths they see
 * without one. A request that names none goes to the default namespace.
 */

import { bodyTextRead, shareBodyRead } from '../api/shared/read-body.ts';
import { namespaceConflictMessage } from './namespace-messages.ts';

/** The header that names a request's namespace. */
export const NAMESPACE_HEADER = 'x-taskport-namespace';

/** The path prefix that names a request's namespace: `/ns/<name>/…`. */
export const NAMESPACE_PATH_PREFIX = '/ns/';

/** How a request named its namespace, and the path its namespace sees. */
export type NamespaceSelection =
  | { readonly by: 'header'; readonly name: string; readonly path: string }
  | {
      readonly by: 'prefix';
      readonly name: string;
      /** The path without the prefix (`/v1/tasks`; `/` for `/ns/<name>`). */
      readonly path: string;
      /** What was taken off: `/ns/<name>`. */
      readonly prefix: string;
    };

/** A request that names its namespace in two ways that disagree. */
export class NamespaceSelectionError extends Error {
  override readonly name = 'NamespaceSelectionError';
  readonly status = 400;
}

/**
 * The namespace `path` and `header` name, or `undefined` when they name
 * none. The name is returned as sent: the registry validates it.
 */
export function selectNamespace(
  path: string,
  header: string | null,
): NamespaceSelection | undefined {
  if (path.startsWith(NAMESPACE_PATH_PREFIX)) {
    const end = path.indexOf('/', NAMESPACE_PATH_PREFIX.length);
    const name = path.slice(NAMESPACE_PATH_PREFIX.length, end < 0 ? undefined : end);
    const headerName = header?.trim();
    if (headerName !== undefined && headerName !== name) {
      throw new NamespaceSelectionError(namespaceConflictMessage(headerName, name));
    }
    return {
      by: 'prefix',
      name,
      path: end < 0 ? '/' : path.slice(end),
      prefix: `${NAMESPACE_PATH_PREFIX}${name}`,
    };
  }
  if (header === null) return undefined;
  return { by: 'header', name: header.trim(), path };
}

/** Web-standard `RequestInit` with the streaming-body switch Node needs. */
interface StreamingRequestInit extends RequestInit {
  readonly duplex?: 'half';
}

/**
 * `request` at another path of the same origin, with its query, headers,
 * signal and body. A body the server read already is handed over as read,
 * so its stream is never built (see `read-body.ts`).
 */
export function requestAtPath(
  request: Request,
  url: string,
  pathStart: number,
  path: string,
): Request {
  const queryStart = url.indexOf('?', pathStart);
  const target = `${url.slice(0, pathStart)}${path}${queryStart < 0 ? '' : url.slice(queryStart)}`;
  const { method } = request;
  const init: StreamingRequestInit = { method, headers: request.headers, signal: request.signal };
  if (method === 'GET' || method === 'HEAD') return new Request(target, init);
  if (bodyTextRead(request) !== undefined) {
    const moved = new Request(target, init);
    shareBodyRead(request, moved);
    return moved;
  }
  const streaming: StreamingRequestInit = { ...init, body: request.body, duplex: 'half' };
  return new Request(target, streaming);
}
