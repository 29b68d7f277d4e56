/**
 * The Ona API on the engine's front door: only an engine from
 * `createOnaEngine()` is accepted, writes that check then store stay
 * together although the store is async, and a stop that arrives while a run
 * is being started still stops it.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { onaApi } from '../../../src/api/ona/app.ts';
import { createOnaEngine, isOnaEngine, type OnaEngine } from '../../../src/api/ona/ona-engine.ts';
import { OnaService } from '../../../src/api/ona/service.ts';
import type { OnaTaskExecution } from '../../../src/api/ona/types.ts';
import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

function onaEngine(clock = new VirtualClock()): OnaEngine {
  const engine = createOnaEngine({ clock });
  engines.push(engine);
  return engine;
}

function taskBody(environmentId: string, reference: string) {
  return { environmentId, metadata: { reference, name: reference }, spec: { command: 'true' } };
}

describe('the engine the Ona API accepts', () => {
  it('is one from createOnaEngine(), which says it runs Ona plans', () => {
    const engine = onaEngine();
    expect(engine.runsOnaPlans).toBe(true);
    expect(isOnaEngine(engine)).toBe(true);
    expect(() => onaApi({ engine })).not.toThrow();
  });

  it('refuses another engine with a TypeError', () => {
    const engine = createEngine({ clock: new VirtualClock() });
    engines.push(engine);
    expect(isOnaEngine(engine)).toBe(false);
    expect(() => onaApi({ engine: engine as OnaEngine })).toThrow(
      new TypeError(
        'Expected `engine` to be created by createOnaEngine(), got an engine whose executor does not run Ona plans',
      ),
    );
  });

  it('refuses what is not an engine with a TypeError', () => {
    expect(() => onaApi({ engine: {} as OnaEngine })).toThrow(
      new TypeError('Expected `engine` to be an Engine, got [object Object] (object)'),
    );
    expect(() => onaApi({ engine: undefined as unknown as OnaEngine })).toThrow(
      new TypeError('Expected `engine` to be an Engine, got undefined (undefined)'),
    );
  });
});

describe('writes in one process', () => {
  it('two CreateTasks of one reference at once: one is created, one is already_exists', async () => {
    const service = new OnaService({ engine: onaEngine() });
    const environmentId = crypto.randomUUID();
    const results = await Promise.allSettled([
      service.call('CreateTask', taskBody(environmentId, 'build')),
      service.call('CreateTask', taskBody(environmentId, 'build')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'already_exists',
    });
    const listed = (await service.call('ListTasks', {})) as { tasks?: unknown[] };
    expect(listed.tasks).toHaveLength(1);
  });

  it('a StopTaskExecution while the run is being started stops it', async () => {
    const clock = new VirtualClock();
    const engine = onaEngine(clock);
    // The run starts only once the test opens the gate.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let reached!: () => void;
    const starting = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const gated = new Proxy(engine, {
      get(target, key) {
        if (key === 'startOnce') {
          return async (...args: Parameters<Engine['startOnce']>) => {
            reached();
            await gate;
            return target.startOnce(...args);
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const service = new OnaService({ engine: gated });
    const environmentId = crypto.randomUUID();
    const { task } = (await service.call('CreateTask', taskBody(environmentId, 'a'))) as {
      task: { id: string };
    };
    const start = service.call('StartTask', { id: task.id }) as Promise<{
      taskExecution: OnaTaskExecution;
    }>;
    await starting;
    const listed = (await service.call('ListTaskExecutions', {})) as {
      taskExecutions: OnaTaskExecution[];
    };
    const [pending] = listed.taskExecutions;
    expect(pending?.status?.phase).toBe('TASK_EXECUTION_PHASE_PENDING');
    await service.call('StopTaskExecution', { id: pending?.id });
    open();
    const answer = (await start).taskExecution;
    expect(answer.id).toBe(pending?.id);
    expect(answer.status?.phase).toBe('TASK_EXECUTION_PHASE_PENDING');
    await clock.runUntilIdle();
    const read = (await service.call('GetTaskExecution', { id: answer.id })) as {
      taskExecution: OnaTaskExecution;
    };
    expect(read.taskExecution.status?.phase).toBe('TASK_EXECUTION_PHASE_STOPPED');
    expect(read.taskExecution.spec?.desiredPhase).toBe('TASK_EXECUTION_PHASE_STOPPED');
  });
});
