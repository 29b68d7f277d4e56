/**
 * The control API's OpenAPI 3.1 document, `GET /_taskport/openapi/control.json`:
 * the root routes (`control-openapi.ts`) and each dialect's control routes
 * (its registry entry's `controlOpenApi`, under `/_taskport/<dialect>`), so
 * that clients in other languages can be generated from it. A test checks it
 * against every route registered, so a route without a description fails.
 */

import { coreControlOpenApi, dialectOpenApiPath } from './control-openapi.ts';
import { ALL_DIALECTS, FAKE_DIALECTS } from './dialects.ts';
import { namespaceControlOpenApi } from './namespace-openapi.ts';
import type { ControlOpenApi, JsonSchema } from './openapi-builder.ts';
import { pathItems } from './openapi-builder.ts';
import { uiControlOpenApi } from './ui/control-openapi.ts';

/** The version of the control API's document (not of the package). */
export const CONTROL_API_VERSION = '1.0.0';

function build(): JsonSchema {
  const paths: Record<string, unknown> = {
    ...pathItems('/_taskport', 'control', coreControlOpenApi.paths),
    ...pathItems('/_taskport', 'dashboard', uiControlOpenApi.paths),
    ...pathItems('/_taskport', 'namespaces', namespaceControlOpenApi.paths),
  };
  const schemas: Record<string, JsonSchema> = {
    ...coreControlOpenApi.schemas,
    ...namespaceControlOpenApi.schemas,
  };
  for (const name of ALL_DIALECTS) {
    const dialect = FAKE_DIALECTS[name] as {
      readonly openApi?: unknown;
      readonly controlOpenApi?: ControlOpenApi;
    };
    if (dialect.openApi !== undefined) {
      Object.assign(paths, pathItems('/_taskport', 'control', dialectOpenApiPath(name)));
    }
    if (dialect.controlOpenApi !== undefined) {
      Object.assign(paths, pathItems(`/_taskport/${name}`, name, dialect.controlOpenApi.paths));
      Object.assign(schemas, dialect.controlOpenApi.schemas);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'taskport fake server control API',
      version: CONTROL_API_VERSION,
      description:
        'What a test needs beyond the dialects\' public APIs: reset, seeding, scripted outcomes, the simulated worlds, time and the journal. Bodies are JSON; errors are `{ "error": "…" }`. With a control token, send `Authorization: Bearer <token>` or `X-Taskport-Token: <token>`.',
    },
    servers: [{ url: 'http://127.0.0.1:8558' }],
    tags: [
      { name: 'control', description: 'The root routes: reset, seed, clock, idle, journal' },
      { name: 'dashboard', description: 'The dashboard page and the snapshot it shows' },
      {
        name: 'namespaces',
        description:
          'Isolated worlds in one fake: pick one with `x-taskport-namespace` or the prefix `/ns/<name>`',
      },
      ...ALL_DIALECTS.map((name) => ({
        name,
        description: `The ${FAKE_DIALECTS[name].title} world`,
      })),
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        token: { type: 'apiKey', in: 'header', name: 'X-Taskport-Token' },
      },
    },
    // Only with a control token; an empty requirement says it is optional.
    security: [{}, { bearer: [] }, { token: [] }],
  };
}

let cached: JsonSchema | undefined;

/** The document, built once: it depends on the registry only. */
export function controlOpenApiDocument(): JsonSchema {
  cached ??= build();
  return cached;
}
