/**
 * How a finished task stage turns out (research §5.3): pure, so it is tested
 * on its own.
 */

import type { TaskResultRecord, TaskStageName } from '../../api/tfc/types.ts';

/** What happens to a stage whose results are all final. */
export type StageOutcome = 'passed' | 'failed' | 'awaiting_override';

const FAILING = new Set(['failed', 'errored', 'canceled']);

/**
 * `failed` (or `awaiting_override` when overridable) when a mandatory result
 * failed, errored or was canceled; `passed` otherwise, advisory failures
 * included. post_apply has only advisory tasks: it never fails the run.
 */
export function stageOutcome(
  stage: TaskStageName,
  results: readonly Pick<TaskResultRecord, 'enforcementLevel' | 'status'>[],
  mandatoryFailureOverridable: boolean,
): StageOutcome {
  if (stage === 'post_apply') return 'passed';
  const mandatoryFailed = results.some(
    (result) => result.enforcementLevel === 'mandatory' && FAILING.has(result.status),
  );
  if (!mandatoryFailed) return 'passed';
  return mandatoryFailureOverridable ? 'awaiting_override' : 'failed';
}

/** Whether every result is final. */
export function allFinal(results: readonly Pick<TaskResultRecord, 'status'>[]): boolean {
  return results.every((result) => result.status !== 'pending' && result.status !== 'running');
}
