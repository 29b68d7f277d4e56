/**
 * Draws a snapshot into the page's sections. Every value from the fake is
 * set as text (see dom.ts).
 */

import type { ExecutionView, StepView } from '../../world-snapshot.ts';
import type { DialectSnapshot, FakeSnapshot, JournalView } from '../snapshot.ts';
import { byId, clockTime, fill, h, relative, row, table } from './dom.ts';

function healthBadge(health: string): HTMLElement {
  return h(
    'span',
    { class: `badge health-${/^[a-z-]+$/.test(health) ? health : 'other'}` },
    health,
  );
}

function renderClock(snapshot: FakeSnapshot): void {
  const { nowMs, controlsTime } = snapshot.clock;
  fill(byId('clock-now'), new Date(nowMs).toISOString());
  fill(byId('clock-kind'), controlsTime ? 'virtual clock' : 'real clock');
  for (const id of ['advance-button', 'idle-button']) {
    (byId(id) as HTMLButtonElement).disabled = !controlsTime;
  }
}

function renderTasks(dialects: readonly DialectSnapshot[]): void {
  const rows = dialects.flatMap((dialect) =>
    dialect.tasks.map((task) =>
      row(
        [
          dialect.name,
          h('span', { class: 'name' }, task.name),
          task.scope,
          healthBadge(task.health),
          task.enabled ? 'yes' : 'no',
          task.bufferPeriod === undefined
            ? ''
            : `${task.bufferPeriod.minMs / 1000}–${task.bufferPeriod.maxMs / 1000} s`,
          task.triggers.join(', '),
        ],
        { 'data-task': task.name, 'data-dialect': dialect.name },
      ),
    ),
  );
  const hidden = dialects
    .filter((dialect) => dialect.taskCount > dialect.tasks.length)
    .map(
      (dialect) =>
        `${dialect.name}: ${dialect.taskCount - dialect.tasks.length} more tasks not shown`,
    );
  fill(
    byId('tasks'),
    table(
      ['dialect', 'task', 'scope', 'health', 'enabled', 'buffer period', 'triggers'],
      rows,
      'No tasks yet.',
    ),
    hidden.length === 0 ? null : h('p', { class: 'empty' }, hidden.join('; ')),
  );
}

function renderWindows(dialects: readonly DialectSnapshot[], nowMs: number): void {
  const rows = dialects.flatMap((dialect) =>
    dialect.windows.map((window) =>
      row([
        dialect.name,
        window.taskName,
        `${clockTime(window.fireAtMs)} (${relative(window.fireAtMs, nowMs)})`,
        `${clockTime(window.deadlineMs)} (${relative(window.deadlineMs, nowMs)})`,
      ]),
    ),
  );
  fill(
    byId('windows'),
    table(['dialect', 'task', 'fires at', 'deadline'], rows, 'No buffer window is open.'),
  );
}

function stepList(steps: readonly StepView[]): HTMLElement | null {
  if (steps.length === 0) return null;
  return h(
    'ol',
    { class: 'steps' },
    ...steps.map((step) =>
      h(
        'li',
        {},
        h(
          'span',
          { class: `badge phase-${/^[a-z_-]+$/.test(step.phase) ? step.phase : 'other'}` },
          step.phase,
        ),
        ' ',
        step.name,
        step.failureMessage === undefined
          ? null
          : h('span', { class: 'message' }, ` — ${step.failureMessage}`),
      ),
    ),
  );
}

function executionRow(dialect: string, execution: ExecutionView): HTMLTableRowElement {
  return row(
    [
      dialect,
      execution.taskName,
      h(
        'span',
        { class: `badge phase-${/^[a-z_-]+$/.test(execution.phase) ? execution.phase : 'other'}` },
        execution.phase,
      ),
      execution.trigger,
      clockTime(execution.startedAtMs ?? execution.createdAtMs),
      clockTime(execution.finishedAtMs),
      h(
        'td',
        {},
        execution.failureMessage === undefined
          ? null
          : h('div', { class: 'message' }, execution.failureMessage),
        stepList(execution.steps),
      ),
    ],
    { class: execution.finished ? 'finished' : 'running', 'data-execution': execution.id },
  );
}

function renderExecutions(dialects: readonly DialectSnapshot[]): void {
  const rows = dialects.flatMap((dialect) =>
    dialect.executions.map((execution) => executionRow(dialect.name, execution)),
  );
  fill(
    byId('executions'),
    table(
      ['dialect', 'task', 'phase', 'trigger', 'started', 'finished', 'steps'],
      rows,
      'No executions yet.',
    ),
  );
}

function renderEvents(dialects: readonly DialectSnapshot[]): void {
  const events = dialects
    .flatMap((dialect) => dialect.events.map((event) => ({ dialect: dialect.name, event })))
    .sort((a, b) => b.event.finishedAtMs - a.event.finishedAtMs)
    .slice(0, 50);
  const rows = events.map(({ dialect, event }) =>
    row([
      clockTime(event.finishedAtMs),
      dialect,
      event.taskName,
      h(
        'span',
        { class: `badge ${event.success ? 'health-successful' : 'health-errored'}` },
        event.success ? 'success' : 'failure',
      ),
      event.trigger,
      event.failureMessage ?? '',
    ]),
  );
  fill(
    byId('events'),
    table(['finished', 'dialect', 'task', 'result', 'trigger', 'message'], rows, 'No events yet.'),
  );
}

function queryText(query: JournalView['query']): string {
  const pairs = Object.entries(query).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map(
      (item) => `${encodeURIComponent(key)}=${encodeURIComponent(item)}`,
    ),
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function journalRow(entry: JournalView): HTMLTableRowElement {
  const body =
    entry.body === ''
      ? ''
      : h(
          'details',
          {},
          h('summary', {}, `${entry.body.length}${entry.bodyCut ? '+' : ''} chars`),
          h('pre', { class: 'body' }, entry.body),
          entry.bodyCut
            ? h('p', { class: 'empty' }, 'Cut here: GET /_taskport/journal has the whole body.')
            : null,
        );
  return row(
    [
      entry.seq,
      clockTime(entry.atMs),
      entry.dialect,
      entry.method,
      h('span', { class: 'path' }, entry.path + queryText(entry.query)),
      h('span', { class: `status status-${Math.floor(entry.status / 100)}xx` }, entry.status),
      h('td', { class: 'body-cell' }, body),
    ],
    { 'data-seq': String(entry.seq) },
  );
}

function renderJournal(journal: FakeSnapshot['journal']): void {
  fill(byId('journal-count'), `${journal.entries.length} newest of ${journal.count}`);
  fill(
    byId('journal'),
    table(
      ['#', 'at', 'dialect', 'method', 'path', 'status', 'body'],
      journal.entries.map(journalRow),
      'No requests yet.',
    ),
  );
}

/** Draws `snapshot`, keeping open any body the tester opened. */
export function render(snapshot: FakeSnapshot): void {
  const open = new Set(
    [...document.querySelectorAll('#journal tr[data-seq] details[open]')].map((details) =>
      details.closest('tr')?.getAttribute('data-seq'),
    ),
  );
  renderClock(snapshot);
  renderTasks(snapshot.dialects);
  renderWindows(snapshot.dialects, snapshot.clock.nowMs);
  renderExecutions(snapshot.dialects);
  renderEvents(snapshot.dialects);
  renderJournal(snapshot.journal);
  for (const seq of open) {
    document
      .querySelector(`#journal tr[data-seq="${Number(seq)}"] details`)
      ?.setAttribute('open', '');
  }
}
