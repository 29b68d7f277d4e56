import { describe, expect, it } from 'vitest';
import { TaskLock } from '../../../src/api/cts/task-lock.ts';

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('TaskLock (CTS api/task_create.go lifecycle lock)', () => {
  it('lets reads run together, makes a write wait for them, and queues later reads behind the write', async () => {
    const lock = new TaskLock();
    const order: string[] = [];
    const firstRead = gate();
    const secondRead = gate();
    const reads = [
      lock.shared(async () => {
        order.push('read 1 start');
        await firstRead.promise;
        order.push('read 1 end');
      }),
      lock.shared(async () => {
        order.push('read 2 start');
        await secondRead.promise;
        order.push('read 2 end');
      }),
    ];
    const write = lock.exclusive(async () => {
      order.push('write');
    });
    const lateRead = lock.shared(async () => {
      order.push('late read');
    });
    await Promise.resolve();
    expect(order).toEqual(['read 1 start', 'read 2 start']);
    firstRead.open();
    secondRead.open();
    await Promise.all([...reads, write, lateRead]);
    expect(order).toEqual([
      'read 1 start',
      'read 2 start',
      'read 1 end',
      'read 2 end',
      'write',
      'late read',
    ]);
  });

  it('releases the lock when the work throws', async () => {
    const lock = new TaskLock();
    await expect(lock.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.exclusive(async () => 'next')).resolves.toBe('next');
  });
});
