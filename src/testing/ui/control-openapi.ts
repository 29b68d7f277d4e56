/**
 * The OpenAPI description of the dashboard's routes (`ui/routes.ts`),
 * relative to `/_taskport`. The snapshot is described by its top-level keys
 * only: it is a view for the page, whose inner shape may grow.
 */

import {
  ANY_OBJECT,
  arrayOf,
  BOOLEAN,
  type ControlOpenApi,
  INTEGER,
  NUMBER,
  object,
  STRING,
} from '../openapi-builder.ts';

const snapshot = object(
  {
    clock: object({ nowMs: NUMBER, controlsTime: BOOLEAN }, ['nowMs', 'controlsTime']),
    dialects: arrayOf(object({ name: STRING, taskCount: INTEGER }, ['name', 'taskCount'])),
    journal: object({ count: INTEGER, entries: arrayOf(ANY_OBJECT) }, ['count', 'entries']),
  },
  ['clock', 'dialects', 'journal'],
);

export const uiControlOpenApi: ControlOpenApi = {
  paths: {
    '/ui': {
      get: {
        summary: 'The dashboard: one HTML page (the token, if any, goes in #token=…)',
        response: STRING,
        responseType: 'text/html',
      },
    },
    '/snapshot': {
      get: {
        summary:
          "What the dashboard shows: the clock, each dialect's tasks, runs, windows, the journal",
        response: snapshot,
      },
    },
    '/snapshot/stream': {
      get: {
        summary: 'The same snapshot as server-sent events, sent whenever it changes',
        response: STRING,
        responseType: 'text/event-stream',
      },
    },
  },
};
