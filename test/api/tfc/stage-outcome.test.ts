import { describe, expect, it } from 'vitest';
import type { TaskResultStatus, TaskStageName } from '../../../src/api/tfc/types.ts';
import { allFinal, stageOutcome } from '../../../src/testing/tfc/stage-outcome.ts';

type Row = [TaskStageName, ['advisory' | 'mandatory', TaskResultStatus][], boolean, string];

describe('stageOutcome (research §5.3)', () => {
  it.each<Row>([
    ['post_plan', [['mandatory', 'passed']], false, 'passed'],
    ['post_plan', [['advisory', 'failed']], false, 'passed'],
    [
      'post_plan',
      [
        ['advisory', 'errored'],
        ['mandatory', 'passed'],
      ],
      false,
      'passed',
    ],
    ['post_plan', [['mandatory', 'failed']], false, 'failed'],
    ['pre_plan', [['mandatory', 'errored']], false, 'failed'],
    ['pre_apply', [['mandatory', 'canceled']], false, 'failed'],
    ['post_plan', [['mandatory', 'failed']], true, 'awaiting_override'],
    ['post_apply', [['mandatory', 'failed']], false, 'passed'],
  ])('%s %j overridable=%s → %s', (stage, results, overridable, expected) => {
    const records = results.map(([enforcementLevel, status]) => ({ enforcementLevel, status }));
    expect(stageOutcome(stage, records, overridable)).toBe(expected);
  });

  it.each<[TaskResultStatus[], boolean]>([
    [['passed', 'failed'], true],
    [['passed', 'running'], false],
    [['pending'], false],
    [['errored', 'unreachable'], true],
  ])('allFinal(%j) = %s', (statuses, expected) => {
    expect(allFinal(statuses.map((status) => ({ status })))).toBe(expected);
  });
});
