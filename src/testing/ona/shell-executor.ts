/**
 * A real step executor for programs that embed the Ona engine: each task
 * step's `spec.command` runs in a shell in a working directory, its output is
 * captured, and a stop kills it. Node only.
 */

import { spawn } from 'node:child_process';
import type { OnaStepExecutor, OnaStepRun } from '../../api/ona/ona-engine.ts';

/** Options of {@link createShellExecutor}. */
export interface ShellExecutorOptions {
  /** The working directory. @default process.cwd() */
  readonly cwd?: string;
  /** The shell, run as `<shell> -c <command>`. @default '/bin/sh' */
  readonly shell?: string;
  /** Variables added to the process environment (the step's `spec.env` values come last). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Output kept per stream, in characters (a step output value holds at most 4096).
   * @default 4096
   */
  readonly maxOutputChars?: number;
}

/** The output keys a shell step reports. */
export interface ShellStepOutput {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode: string;
}

function tail(text: string, max: number): string {
  return text.length > max ? text.slice(text.length - max) : text;
}

/**
 * Runs each step's command with a shell. A step succeeds on exit code 0 and
 * fails with `command exited with code N` (and the end of stderr) otherwise;
 * its output holds the ends of stdout and stderr and the exit code. The
 * task's `runsOn` is ignored: commands run on this machine.
 *
 * @example
 * const engine = createOnaEngine({ executor: createShellExecutor({ cwd: '/workspace' }) });
 */
export function createShellExecutor(options: ShellExecutorOptions = {}): OnaStepExecutor {
  const shell = options.shell ?? '/bin/sh';
  const max = options.maxOutputChars ?? 4096;
  return {
    runStep(run: OnaStepRun): Promise<ShellStepOutput> {
      const command = run.spec.command ?? '';
      const stepEnv = Object.fromEntries(
        (run.spec.env ?? [])
          .filter((item) => item.name !== undefined && item.value !== undefined)
          .map((item) => [item.name as string, item.value as string]),
      );
      return new Promise((resolve, reject) => {
        if (run.signal.aborted) {
          reject(run.signal.reason);
          return;
        }
        const child = spawn(shell, ['-c', command], {
          cwd: options.cwd,
          env: { ...process.env, ...options.env, ...stepEnv },
          signal: run.signal,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout = tail(stdout + chunk, max);
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr = tail(stderr + chunk, max);
        });
        child.once('error', (error) => reject(run.signal.aborted ? run.signal.reason : error));
        child.once('close', (code, signal) => {
          if (run.signal.aborted) {
            reject(run.signal.reason);
            return;
          }
          if (code === 0) {
            resolve({
              ...(stdout === '' ? {} : { stdout }),
              ...(stderr === '' ? {} : { stderr }),
              exitCode: '0',
            });
            return;
          }
          const reason = code === null ? `killed by ${signal}` : `exited with code ${code}`;
          const detail = stderr.trim() === '' ? '' : `: ${tail(stderr.trim(), 512)}`;
          reject(new Error(`command ${reason}${detail}`));
        });
      });
    },
  };
}
