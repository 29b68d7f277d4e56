import { MemoryStore } from '../../src/engine/memory-store.ts';
import { runStoreContract } from './contract.ts';

runStoreContract('MemoryStore', { createStore: () => Promise.resolve(new MemoryStore()) });
