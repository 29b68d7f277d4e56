/**
 * Rewrites the links of a JSON answer for a client that came by a path
 * prefix (a namespace's `/ns/<name>`): the dialects build their links for
 * the root, and a client with a base URL under the prefix must be able to
 * follow them. Only the members a dialect names as links are touched, so
 * user data that happens to look like a path stays as it was sent.
 */

import type { PrefixedRequest } from './fake-dialect.ts';

/** Whether the string at `key` (in an object that sits at `parentKey`) is a link. */
export type LinkMember = (key: string, parentKey: string | undefined) => boolean;

/** `link` with the prefix put after its origin, when it is root-relative or on `origin`. */
export function prefixLink(link: string, at: PrefixedRequest): string {
  if (link.startsWith('/') && !link.startsWith('//')) return `${at.prefix}${link}`;
  if (link.startsWith(`${at.origin}/`)) {
    return `${at.origin}${at.prefix}${link.slice(at.origin.length)}`;
  }
  return link;
}

function rewrite(
  value: unknown,
  key: string | undefined,
  isLink: LinkMember,
  at: PrefixedRequest,
): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, key, isLink, at));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [member, item] of Object.entries(value)) {
    out[member] =
      typeof item === 'string' && isLink(member, key)
        ? prefixLink(item, at)
        : rewrite(item, member, isLink, at);
  }
  return out;
}

/** A copy of `response` with another body (its length header dropped: it changes). */
function withBody(response: Response, body: string): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function isJsonAnswer(response: Response): boolean {
  return response.body !== null && /[/+]json\b/i.test(response.headers.get('content-type') ?? '');
}

/**
 * `response` with the root-relative value of every `"<key>":"/…"` member
 * prefixed, on the text: the body keeps its bytes otherwise (Go's escapes
 * of `<`, `>`, `&` in CTS's answers survive). Safe on the text because a
 * `"` inside a JSON string is escaped, so `"key":"` only ever starts a member.
 */
export async function withPrefixedMember(
  response: Response,
  at: PrefixedRequest,
  key: string,
): Promise<Response> {
  if (!isJsonAnswer(response)) return response;
  const text = await response.text();
  const member = `"${key}":"/`;
  return withBody(response, text.replaceAll(member, `"${key}":"${at.prefix}/`));
}

/**
 * `response` with its JSON body's links (the members `isLink` names)
 * prefixed; any other answer (no body, not JSON) as it is. For bodies that
 * `JSON.stringify` wrote.
 */
export async function withPrefixedLinks(
  response: Response,
  at: PrefixedRequest,
  isLink: LinkMember,
): Promise<Response> {
  if (!isJsonAnswer(response)) return response;
  const text = await response.text();
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return withBody(response, text);
  }
  // The dialect serialised it with JSON.stringify: parsing and serialising
  // again changes no byte but the links.
  return withBody(response, JSON.stringify(rewrite(document, undefined, isLink, at)));
}
