/**
 * The page's side of the control API: which namespace it looks at, the
 * control token when the fake wants one, and one JSON request helper.
 *
 * The token comes from the page's fragment (`/_taskport/ui#token=…`: a
 * fragment is never sent to the server, so it lands in no journal or log)
 * or from the token field; it is kept in sessionStorage, for this tab only,
 * and sent as `X-Taskport-Token`.
 */

const TOKEN_KEY = 'taskport-control-token';

/** The control token, if one was given. */
export function controlToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Keeps `token` for this tab (an empty one forgets it). */
export function setControlToken(token: string): void {
  if (token === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** Takes `#token=…` out of the address, so it is neither shown nor bookmarked. */
export function takeTokenFromFragment(): void {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match === null) return;
  setControlToken(decodeURIComponent(match[1] ?? ''));
  history.replaceState(null, '', location.pathname + location.search);
}

/** Where a namespace's control API lives: `/_taskport` or `/ns/<name>/_taskport`. */
export function controlBase(namespace: string): string {
  return namespace === 'default' ? '/_taskport' : `/ns/${encodeURIComponent(namespace)}/_taskport`;
}

/** Headers of every control request. */
export function controlHeaders(json: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (json) headers['content-type'] = 'application/json';
  const token = controlToken();
  if (token !== undefined) headers['x-taskport-token'] = token;
  return headers;
}

/** A failed control request, with the `{ error }` message the fake answered. */
export class ControlRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** One control request; resolves with its JSON, rejects with the fake's message. */
export async function control(
  namespace: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${controlBase(namespace)}${path}`, {
    method,
    headers: controlHeaders(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: shown as text.
  }
  if (!response.ok) {
    const message =
      typeof parsed === 'object' && parsed !== null && 'error' in parsed
        ? String((parsed as { error: unknown }).error)
        : text;
    throw new ControlRequestError(response.status, `${response.status}: ${message}`);
  }
  return parsed;
}

/** The fake's namespaces; just `default` when it has none (`/_taskport/namespaces` answers 404). */
export async function namespaces(): Promise<string[]> {
  const response = await fetch('/_taskport/namespaces', { headers: controlHeaders(false) });
  if (response.status === 404) return ['default'];
  if (!response.ok) throw new ControlRequestError(response.status, `${response.status}`);
  const body = (await response.json()) as { namespaces?: readonly { name?: unknown }[] };
  const names = (body.namespaces ?? [])
    .map((namespace) => namespace.name)
    .filter((name): name is string => typeof name === 'string');
  return names.includes('default') ? names : ['default', ...names];
}
