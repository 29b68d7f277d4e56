/**
 * The run-task request body of research §4.1, every field, in the docs' order.
 */

import type {
  RunRecord,
  TaskResultRecord,
  TaskStageName,
  WorkspaceRecord,
} from '../../api/tfc/types.ts';

/** Input of {@link runTaskPayload}. */
export interface RunTaskPayloadInput {
  readonly baseUrl: string;
  readonly run: RunRecord;
  readonly workspace: WorkspaceRecord;
  readonly result: TaskResultRecord;
  readonly stage: TaskStageName;
  readonly accessToken: string;
}

/** The payload POSTed to a run task for `result`. */
export function runTaskPayload(input: RunTaskPayloadInput): Record<string, unknown> {
  const { baseUrl, run, workspace, result } = input;
  const org = workspace.organization;
  const vcs = workspace.vcs;
  const repoUrl = vcs?.repoUrl.replace(/\/+$/, '') ?? null;
  return {
    payload_version: 1,
    stage: input.stage,
    access_token: input.accessToken,
    capabilities: { outcomes: true },
    configuration_version_download_url: `${baseUrl}/api/v2/configuration-versions/${run.configurationVersionId}/download`,
    configuration_version_id: run.configurationVersionId,
    is_speculative: run.isSpeculative,
    organization_name: org,
    // The plan exists only from post_plan on (research §4.1).
    plan_json_api_url:
      input.stage === 'pre_plan' ? null : `${baseUrl}/api/v2/plans/${run.planId}/json-output`,
    run_app_url: `${baseUrl}/app/${org}/${workspace.name}/runs/${run.id}`,
    run_created_at: new Date(run.createdAtMs).toISOString(),
    run_created_by: run.createdBy,
    run_id: run.id,
    run_message: run.message,
    task_result_callback_url: `${baseUrl}/api/v2/task-results/${result.callbackGuid}/callback`,
    task_result_enforcement_level: result.enforcementLevel,
    task_result_id: result.id,
    vcs_branch: vcs?.branch ?? null,
    vcs_commit_url: vcs === null ? null : `${repoUrl}/commit/${vcs.commitHash}`,
    vcs_commit_hash: vcs?.commitHash ?? null,
    vcs_pull_request_url: vcs?.pullRequestUrl ?? null,
    vcs_repo_url: repoUrl,
    workspace_app_url: `${baseUrl}/app/${org}/${workspace.name}`,
    workspace_id: workspace.id,
    workspace_name: workspace.name,
    workspace_working_directory: workspace.workingDirectory,
  };
}
