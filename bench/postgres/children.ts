/**
 * The parent side of the IPC channel: a worker or the load generator as a
 * real child process (`node --import tsx`), its commands as promises.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ChildCommand, ChildEnv, ChildMessage } from './protocol.ts';

const HERE = import.meta.dirname;
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 10_000;

/** Distributes `Omit` over a union, so that each command keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class BenchChild<C extends ChildCommand> {
  readonly process: ChildProcess;
  readonly name: string;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  readonly #ready: Promise<void>;
  #nextId = 1;
  #exited = false;

  constructor(name: string, script: string, env: ChildEnv, nodeFlags: readonly string[] = []) {
    this.name = name;
    this.process = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(HERE, script)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    this.#ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // Nobody may be waiting for ready when the child dies later: that rejection is expected.
    this.#ready.catch(() => {});
    const timer = setTimeout(
      () => failReady(new Error(`${name}: not ready after ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    this.process.on('message', (raw) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') {
        clearTimeout(timer);
        markReady();
        return;
      }
      const waiter = this.#pending.get(message.id);
      if (waiter === undefined) return;
      this.#pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    this.process.once('exit', (code, signal) => {
      this.#exited = true;
      clearTimeout(timer);
      const error = new Error(`${name} exited (${signal ?? `code ${code}`})`);
      failReady(error);
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    });
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  /** Sends a command; resolves with the child's reply. */
  request<T = unknown>(command: WithoutId<C>): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ ...command, id });
    });
  }

  /** Asks the child to close and exit; kills it if it has not within 10 s. */
  async exit(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.request({ cmd: 'exit' } as WithoutId<C>).catch(() => {});
    const timer = setTimeout(() => this.process.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.#exited) this.process.kill('SIGKILL');
  }
}
