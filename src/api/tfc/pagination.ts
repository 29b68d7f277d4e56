/**
 * `page[number]` / `page[size]` and the `links` + `meta.pagination` that
 * every list answers with (research §1.5).
 */

/** Items per page when `page[size]` is absent. */
export const DEFAULT_PAGE_SIZE = 20;
/** The documented maximum page size; larger requests are clamped to it. */
export const MAX_PAGE_SIZE = 100;

/** A requested page. */
export interface PageRequest {
  readonly number: number;
  readonly size: number;
}

function positiveInteger(raw: string | null): number | undefined {
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * The page a query asks for. Missing, non-numeric or zero values take the
 * default; sizes above 100 are clamped (the reference recommends clamping).
 */
export function parsePage(query: URLSearchParams): PageRequest {
  const number = positiveInteger(query.get('page[number]')) ?? 1;
  const size = Math.min(
    positiveInteger(query.get('page[size]')) ?? DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
  );
  return { number, size };
}

/** One page of `items` with its `links` and `meta`. */
export interface Page<T> {
  readonly items: T[];
  readonly links: Record<string, string | null>;
  readonly meta: { pagination: Record<string, number | null> };
}

/** The last linker built: clients poll the same list URL over and over. */
let lastLinker: { url: string; size: number; link: (number: number) => string } | undefined;

/**
 * The page links of one list URL, as `number => link`. The URL is parsed and
 * its other parameters re-encoded once, then only the page number changes
 * (the five links of a page used to parse the request URL five times).
 */
function pageLinker(requestUrl: string, size: number): (number: number) => string {
  if (lastLinker !== undefined && lastLinker.url === requestUrl && lastLinker.size === size)
    return lastLinker.link;
  const url = new URL(requestUrl);
  const rest = new URLSearchParams(url.searchParams);
  rest.delete('page[number]');
  rest.delete('page[size]');
  // Page parameters first, percent-encoded, as in the docs' samples; other parameters follow.
  const others = rest.toString();
  url.search = `${PAGE_NUMBER}1&page%5Bsize%5D=${size}${others === '' ? '' : `&${others}`}`;
  const href = url.toString();
  // The first `?` of an href starts its query (a path or userinfo `?` is escaped), and the
  // query setter escapes per character, so only the `1` after `page%5Bnumber%5D=` varies.
  const at = href.indexOf('?') + 1 + PAGE_NUMBER.length;
  const head = href.slice(0, at);
  const tail = href.slice(at + 1);
  const link = (number: number): string => `${head}${number}${tail}`;
  lastLinker = { url: requestUrl, size, link };
  return link;
}

const PAGE_NUMBER = 'page%5Bnumber%5D=';

/** Cuts `all` into the requested page; links are absolute, built from `requestUrl`. */
export function paginate<T>(all: readonly T[], page: PageRequest, requestUrl: string): Page<T> {
  const totalCount = all.length;
  const totalPages = Math.ceil(totalCount / page.size);
  const start = (page.number - 1) * page.size;
  const items = start < totalCount ? all.slice(start, start + page.size) : [];
  const prevPage = page.number > 1 && totalPages > 0 ? Math.min(page.number - 1, totalPages) : null;
  const nextPage = page.number < totalPages ? page.number + 1 : null;
  const link = pageLinker(requestUrl, page.size);
  return {
    items,
    links: {
      self: link(page.number),
      first: link(1),
      prev: prevPage === null ? null : link(prevPage),
      next: nextPage === null ? null : link(nextPage),
      last: link(Math.max(totalPages, 1)),
    },
    meta: {
      pagination: {
        'current-page': page.number,
        'page-size': page.size,
        'prev-page': prevPage,
        'next-page': nextPage,
        'total-pages': totalPages,
        'total-count': totalCount,
      },
    },
  };
}
