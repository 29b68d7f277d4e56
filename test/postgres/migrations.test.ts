/**
 * The schema taskport creates for itself: versioned, migrated once however
 * many processes start at the same moment, and refused when it is newer.
 */

import { expect, it } from 'vitest';
import { PostgresStorageError } from '../../src/postgres/errors.ts';
import { migrate, SCHEMA_VERSION } from '../../src/postgres/migrations.ts';
import { PostgresStore } from '../../src/postgres/postgres-store.ts';
import { createPostgresStorage } from '../../src/postgres/storage.ts';
import { taskFixture } from '../store/contract.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { freshSchema } from './support.ts';

const db = useTestDatabase();

it('migrates once when several processes start at the same moment', async () => {
  const schema = freshSchema('mig');
  const results = await Promise.all(
    Array.from({ length: 6 }, () => migrate(db().pool({ max: 1 }), { schema })),
  );
  expect(results.filter((result) => result.fromVersion === 0)).toHaveLength(1);
  expect(results.every((result) => result.toVersion === SCHEMA_VERSION)).toBe(true);
  const { rows } = await db()
    .pool()
    .query(`SELECT version FROM "${schema}".taskport_schema_version ORDER BY version`);
  // Every version once, in order.
  expect(rows.map((row) => row.version)).toEqual(
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
  expect(await migrate(db().pool(), { schema })).toEqual({
    schema,
    fromVersion: SCHEMA_VERSION,
    toVersion: SCHEMA_VERSION,
  });
});

it('creates the tables on first use, from any verb of the store or the coordination', async () => {
  const schema = freshSchema('mig');
  const { store, coordination, close } = createPostgresStorage({ pool: db().pool(), schema });
  const [inserted, lease] = await Promise.all([
    store.insertTask(taskFixture('web')),
    coordination.isLeased('web'),
  ]);
  expect(inserted).toBe(true);
  expect(lease).toBe(false);
  await close();
});

it('refuses a schema that a newer taskport migrated', async () => {
  const schema = freshSchema('mig');
  await migrate(db().pool(), { schema });
  await db()
    .pool()
    .query(
      `INSERT INTO "${schema}".taskport_schema_version (version, description) VALUES ($1, 'from the future')`,
      [SCHEMA_VERSION + 1],
    );
  const store = new PostgresStore({ pool: db().pool(), schema });
  const refused = await store.getTask('web').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(PostgresStorageError);
  expect(refused).toMatchObject({ code: 'schema_too_new' });
  await expect(migrate(db().pool(), { schema })).rejects.toMatchObject({ code: 'schema_too_new' });
  await store.close();
});

it('with autoMigrate off, fails with not_migrated until someone migrates', async () => {
  const schema = freshSchema('mig');
  const pool = db().pool();
  const store = new PostgresStore({ pool, schema, autoMigrate: false });
  await expect(store.countTasks()).rejects.toMatchObject({ code: 'not_migrated' });
  await migrate(pool, { schema });
  expect(await store.countTasks()).toBe(0);
  await store.close();
});

it('refuses a schema name that is not a plain identifier, and a connection given twice or not at all', () => {
  for (const schema of ['Public', 'a-b', 'x"; DROP TABLE y; --', '', 'a'.repeat(41)]) {
    expect(() => new PostgresStore({ pool: db().pool(), schema }), schema).toThrow(TypeError);
  }
  expect(() => new PostgresStore({})).toThrow(/exactly one of `pool` and `connectionString`/);
  expect(() => new PostgresStore({ pool: db().pool(), connectionString: db().url })).toThrow(
    TypeError,
  );
});
