/**
 * Building the page's elements. Text goes in as text nodes only, never as
 * HTML: journal bodies, task names and messages are whatever a client sent,
 * and must show as written, not run.
 */

/** A child of {@link h}: an element, text, or nothing. */
export type Child = Node | string | number | false | null | undefined;

/** `<tag class=…>children</tag>`, every string child a text node. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** The element with `id`; the page's skeleton has them all. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`taskport dashboard: no #${id}`);
  return element as T;
}

/** Replaces `parent`'s children. */
export function fill(parent: Element, ...children: readonly Child[]): void {
  parent.replaceChildren(
    ...children
      .filter(
        (child): child is Node | string | number =>
          child !== false && child !== null && child !== undefined,
      )
      .map((child) => (typeof child === 'number' ? String(child) : child)),
  );
}

/** A fake-clock time as `HH:MM:SS.mmm` UTC. */
export function clockTime(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().slice(11, 23);
}

/** `ms` from now, as `in 4.5 s` or `2.0 s ago`. */
export function relative(ms: number, nowMs: number): string {
  const seconds = (ms - nowMs) / 1000;
  return seconds >= 0 ? `in ${seconds.toFixed(1)} s` : `${(-seconds).toFixed(1)} s ago`;
}

/** A table with a header row, or a line saying there is nothing. */
export function table(
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
  empty: string,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', {}, header)))),
    h('tbody', {}, ...rows),
  );
}

/** A row of cells. */
export function row(
  cells: readonly Child[],
  attributes: Readonly<Record<string, string>> = {},
): HTMLTableRowElement {
  return h(
    'tr',
    attributes,
    ...cells.map((cell) => (cell instanceof HTMLTableCellElement ? cell : h('td', {}, cell))),
  );
}
