/**
 * The names of taskport's objects in one PostgreSQL schema. A schema name is
 * checked once here and then spliced into SQL text, always double-quoted:
 * identifiers cannot be bound as query parameters.
 */

/** What a schema name may be: a plain lower-case identifier, short enough for the derived names. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/** The schema taskport's tables live in unless told otherwise. */
export const DEFAULT_SCHEMA = 'public';

/** Every table, sequence and channel name of one schema, ready to splice into SQL. */
export interface SchemaNames {
  /** The schema itself, unquoted (for parameters and lock keys). */
  readonly schema: string;
  readonly quotedSchema: string;
  readonly version: string;
  readonly tasks: string;
  readonly events: string;
  readonly summary: string;
  readonly records: string;
  readonly windows: string;
  readonly leases: string;
  readonly lapsedRuns: string;
  readonly cronSlots: string;
  /** The sequence fencing tokens are drawn from. */
  readonly fence: string;
  /** The LISTEN/NOTIFY channel, unquoted (for `pg_notify`). */
  readonly channel: string;
  /** The function that appends a batch of status events (migration 2). */
  readonly appendEvents: string;
}

/** Checks `schema` and derives every name from it. */
export function schemaNames(schema: string = DEFAULT_SCHEMA): SchemaNames {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new TypeError(
      `Expected \`schema\` to be a lower-case identifier of at most 40 characters ([a-z_][a-z0-9_]*), got ${JSON.stringify(schema)} (${typeof schema})`,
    );
  }
  const quotedSchema = `"${schema}"`;
  const table = (name: string) => `${quotedSchema}."taskport_${name}"`;
  return {
    schema,
    quotedSchema,
    version: table('schema_version'),
    tasks: table('tasks'),
    events: table('events'),
    summary: table('summary'),
    records: table('records'),
    windows: table('windows'),
    leases: table('leases'),
    lapsedRuns: table('lapsed_runs'),
    cronSlots: table('cron_slots'),
    fence: table('lease_fence'),
    channel: `taskport_wake_${schema}`,
    appendEvents: table('append_events'),
  };
}
