/**
 * Pagination of ListTasks and ListTaskExecutions (research §5): `token` and
 * `pageSize` from the query string ahead of the body (the SDK puts the next
 * token only in the query), opaque tokens that hold the position, default 25
 * and at most 100 items per page, and a `nextToken` only when more follow.
 */

import { OnaError } from './errors.ts';
import { MESSAGE_INVALID_PAGE_SIZE, MESSAGE_INVALID_PAGE_TOKEN, rangeMessage } from './messages.ts';
import type { ResolvedOnaPolicies } from './options.ts';
import { formatViolations } from './validate.ts';

/** Items per page when none is asked for (PaginationRequest doc). */
export const DEFAULT_PAGE_SIZE = 25;
/** The most items per page. */
export const MAX_PAGE_SIZE = 100;

/** `token` and `pageSize` as the query string carries them. */
export interface PageQuery {
  readonly token?: string;
  readonly pageSize?: string;
}

/** @internal What a list request asks for. */
export interface PageRequest {
  readonly pageSize: number;
  /** Items after this sequence number (in the list order); undefined: from the start. */
  readonly afterSeq: number | undefined;
}

function toBase64Url(text: string): string {
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    return atob(token.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return undefined;
  }
}

/** @internal A page token pointing after `seq` of a `kind` listing. */
export function encodePageToken(kind: 'tasks' | 'executions', seq: number): string {
  return toBase64Url(`taskport.ona.${kind}.${seq}`);
}

function decodePageToken(kind: 'tasks' | 'executions', token: string): number | undefined {
  const text = fromBase64Url(token);
  const match = text === undefined ? null : /^taskport\.ona\.(\w+)\.(\d{1,15})$/.exec(text);
  if (match === null || match[1] !== kind) return undefined;
  return Number(match[2]);
}

function parseQueryPageSize(text: string): number {
  if (!/^[+-]?\d{1,10}$/.test(text.trim())) {
    throw new OnaError('invalid_argument', MESSAGE_INVALID_PAGE_SIZE);
  }
  return Number(text.trim());
}

/** @internal Reads the page wanted from the query and the body's `pagination`. */
export function pageRequestOf(
  kind: 'tasks' | 'executions',
  body: { pageSize?: number; token?: string } | undefined,
  query: PageQuery,
  policies: ResolvedOnaPolicies,
): PageRequest {
  const queryToken = query.token === '' ? undefined : query.token;
  const queryPageSize =
    query.pageSize === undefined || query.pageSize === ''
      ? undefined
      : parseQueryPageSize(query.pageSize);
  const bodyToken = body?.token === '' ? undefined : body?.token;
  const queryFirst = policies.paginationPrecedence === 'query';
  const token = queryFirst ? (queryToken ?? bodyToken) : (bodyToken ?? queryToken);
  const requested = queryFirst
    ? (queryPageSize ?? body?.pageSize)
    : (body?.pageSize ?? queryPageSize);
  if (requested !== undefined && (requested < 0 || requested > MAX_PAGE_SIZE)) {
    throw new OnaError(
      'invalid_argument',
      formatViolations([{ path: 'pagination.page_size', message: rangeMessage(0, MAX_PAGE_SIZE) }]),
    );
  }
  let afterSeq: number | undefined;
  if (token !== undefined) {
    afterSeq = decodePageToken(kind, token);
    if (afterSeq === undefined && policies.invalidPageToken === 'invalid_argument') {
      throw new OnaError('invalid_argument', MESSAGE_INVALID_PAGE_TOKEN);
    }
  }
  return {
    pageSize: requested === undefined || requested === 0 ? DEFAULT_PAGE_SIZE : requested,
    afterSeq,
  };
}

/**
 * @internal One page of the `items` (in creation order) that `keep` accepts,
 * in the policy's order, with the token of the next page when more follow.
 * One pass that stops one item after the page: a list request no longer
 * copies, reverses and filters every record before cutting its page.
 */
export function pageOf<T extends { readonly seq: number }>(
  kind: 'tasks' | 'executions',
  items: readonly T[],
  page: PageRequest,
  order: ResolvedOnaPolicies['listOrder'],
  keep: (item: T) => boolean = () => true,
): { readonly items: T[]; readonly nextToken: string | undefined } {
  const newestFirst = order === 'newest-first';
  const { afterSeq, pageSize } = page;
  const taken: T[] = [];
  let more = false;
  const count = items.length;
  for (let i = 0; i < count; i++) {
    const item = items[newestFirst ? count - 1 - i : i] as T;
    if (afterSeq !== undefined && (newestFirst ? item.seq >= afterSeq : item.seq <= afterSeq))
      continue;
    if (!keep(item)) continue;
    if (taken.length >= pageSize) {
      more = true;
      break;
    }
    taken.push(item);
  }
  const last = taken.at(-1);
  const nextToken = more && last !== undefined ? encodePageToken(kind, last.seq) : undefined;
  return { items: taken, nextToken };
}
