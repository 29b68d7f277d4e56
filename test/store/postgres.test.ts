import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/engine/store.ts';
import { PostgresStore } from '../../src/postgres/postgres-store.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { runStoreContract } from './contract.ts';

const db = useTestDatabase();

/** Each store gets a schema of its own in the file's database: a fresh, empty store per test. */
const schemaOf = new WeakMap<Store, string>();

runStoreContract('PostgresStore', {
  async createStore() {
    const schema = `store_${randomBytes(4).toString('hex')}`;
    // Its own pool, ended when the contract closes the store.
    const store = new PostgresStore({ connectionString: db().url, maxConnections: 4, schema });
    schemaOf.set(store, schema);
    return store;
  },
  // Another process: its own pool on the same database and schema.
  openPeer: (store) =>
    Promise.resolve(
      new PostgresStore({
        connectionString: db().url,
        maxConnections: 4,
        schema: schemaOf.get(store) ?? '',
      }),
    ),
});
