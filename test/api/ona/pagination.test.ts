/**
 * ListTasks pages in both list orders: the one-pass page cut keeps the
 * order, the filters and the page tokens of a filter-then-slice listing.
 */

import { describe, expect, it } from 'vitest';
import { createOnaEngine } from '../../../src/api/ona/ona-engine.ts';
import { OnaService } from '../../../src/api/ona/service.ts';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';

interface Page {
  tasks?: { id: string; metadata: { reference: string } }[];
  pagination?: { nextToken?: string };
}

async function setup(listOrder: 'oldest-first' | 'newest-first') {
  const service = new OnaService({
    engine: createOnaEngine({ clock: new VirtualClock() }),
    policies: { listOrder },
  });
  const environments = [crypto.randomUUID(), crypto.randomUUID()];
  for (let i = 0; i < 7; i++)
    await service.call('CreateTask', {
      environmentId: environments[i % 2],
      metadata: { name: `task ${i}`, reference: `task-${i}` },
      spec: { command: 'true' },
    });
  /** References of every page of a listing of `environmentId`, `pageSize` at a time. */
  const pages = async (environmentId: string | undefined, pageSize: number) => {
    const seen: string[][] = [];
    let token: string | undefined;
    do {
      const page = (await service.call('ListTasks', {
        filter: environmentId === undefined ? {} : { environmentIds: [environmentId] },
        pagination: { pageSize, token },
      })) as Page;
      seen.push((page.tasks ?? []).map((task) => task.metadata.reference));
      token = page.pagination?.nextToken;
    } while (token !== undefined && seen.length < 10);
    return seen;
  };
  return { environments, pages };
}

describe('ListTasks pages', () => {
  it('oldest first, filtered, with a token only while more follow', async () => {
    const { environments, pages } = await setup('oldest-first');
    expect(await pages(environments[0], 2)).toEqual([
      ['task-0', 'task-2'],
      ['task-4', 'task-6'],
    ]);
    expect(await pages(environments[1], 2)).toEqual([['task-1', 'task-3'], ['task-5']]);
    expect(await pages(undefined, 3)).toEqual([
      ['task-0', 'task-1', 'task-2'],
      ['task-3', 'task-4', 'task-5'],
      ['task-6'],
    ]);
  });

  it('newest first, filtered, with a token only while more follow', async () => {
    const { environments, pages } = await setup('newest-first');
    expect(await pages(environments[0], 3)).toEqual([['task-6', 'task-4', 'task-2'], ['task-0']]);
    expect(await pages(environments[1], 3)).toEqual([['task-5', 'task-3', 'task-1']]);
    expect(await pages(undefined, 4)).toEqual([
      ['task-6', 'task-5', 'task-4', 'task-3'],
      ['task-2', 'task-1', 'task-0'],
    ]);
  });
});
