import { describe, expect, it } from 'vitest';
import { defaultPlan } from '../../src/engine/dependency-plan.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Task } from '../../src/engine/types.ts';

describe('defaultPlan', () => {
  it('answers a task without dependencies at once, as its one-step plan, with no store read', async () => {
    const engine = createEngine();
    const db = await engine.createTask({ id: 'db', name: 'database' });
    let reads = 0;
    const plan = defaultPlan(db, async () => {
      reads++;
      return undefined;
    });
    expect(plan).not.toBeInstanceOf(Promise);
    expect(plan).toEqual([[{ id: 'db', name: 'database', payload: db }]]);
    expect(reads).toBe(0);
    await engine.close();
  });

  it('reads the dependencies of a task that has them, and plans them in levels', async () => {
    const engine = createEngine();
    const db = await engine.createTask({ id: 'db', name: 'db' });
    const api = await engine.createTask({ id: 'api', name: 'api', dependsOn: ['db'] });
    const read: string[] = [];
    const lookup = async (id: string): Promise<Task | undefined> => {
      read.push(id);
      return engine.getTask(id);
    };
    const plan = defaultPlan(api, lookup);
    expect(plan).toBeInstanceOf(Promise);
    const levels = await plan;
    expect(levels.map((level) => level.map((step) => step.id))).toEqual([['db'], ['api']]);
    expect(levels[0]?.[0]?.payload).toEqual(db);
    expect(read).toEqual(['db']);
    await engine.close();
  });
});
