/**
 * Sending a run-task request (research §4.1–§4.3): the signed POST, its time
 * limit on the Clock, the delivery log, and the verification payload sent
 * when a task is created or its URL or key change.
 */

import type { Clock } from '../../engine/clock.ts';
import { taskSignature } from './signature.ts';
import type { TfcState } from './state.ts';
import type { WebhookDelivery } from './types.ts';

/** The User-Agent HCP Terraform sends run tasks. */
export const RUN_TASK_USER_AGENT = 'TFC/1.0 (+https://app.terraform.io; TFC)';

/** The access token of verification payloads (scaffolding `VerificationToken`). */
export const VERIFICATION_ACCESS_TOKEN = 'test-token';

/** What to send. */
export interface RunTaskDispatch {
  readonly kind: WebhookDelivery['kind'];
  readonly taskId: string | null;
  readonly resultId: string | null;
  readonly url: string;
  readonly hmacKey: string | null;
  readonly payload: Record<string, unknown>;
  readonly attempt: number;
  /** Aborts the request (the fake closing). */
  readonly signal?: AbortSignal;
}

/** The pieces a dispatch needs. */
export interface DispatchContext {
  readonly state: TfcState;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

const RESPONSE_BODY_LIMIT = 16 * 1024;

/**
 * POSTs one run-task request and records it. Resolves with the delivery; it
 * never rejects. Only HTTP 200 counts as accepted (research §4.2).
 */
export async function sendRunTaskRequest(
  context: DispatchContext,
  dispatch: RunTaskDispatch,
): Promise<WebhookDelivery> {
  const body = JSON.stringify(dispatch.payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': RUN_TASK_USER_AGENT,
    'x-tfc-task-signature': await taskSignature(dispatch.hmacKey, body),
  };
  const delivery = context.state.recordWebhook({
    kind: dispatch.kind,
    taskId: dispatch.taskId,
    resultId: dispatch.resultId,
    url: dispatch.url,
    attempt: dispatch.attempt,
    headers,
    body,
    sentAtMs: context.clock.now(),
  });
  const abort = new AbortController();
  const timer = context.clock.setTimer(
    () => abort.abort(new Error('the run task did not answer in time')),
    context.state.settings.dispatchTimeoutMs,
  );
  const onAbort = (): void => abort.abort(new Error('the request was aborted'));
  if (dispatch.signal?.aborted === true) onAbort();
  dispatch.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await context.fetch(dispatch.url, {
      method: 'POST',
      headers,
      body,
      signal: abort.signal,
      redirect: 'manual',
    });
    const text = await response.text();
    delivery.response = { status: response.status, body: text.slice(0, RESPONSE_BODY_LIMIT) };
    delivery.accepted = response.status === 200;
  } catch (error) {
    delivery.error = abort.signal.aborted
      ? String((abort.signal.reason as Error | undefined)?.message ?? 'aborted')
      : error instanceof Error
        ? error.message
        : String(error);
  } finally {
    timer.cancel();
    dispatch.signal?.removeEventListener('abort', onAbort);
  }
  return delivery;
}

/** Input of {@link verificationPayload}. */
export interface VerificationInput {
  readonly baseUrl: string;
  readonly organization: string;
  readonly stage: string;
  readonly nowMs: number;
}

/**
 * The test payload: the captured 2021–22 verification body plus the fields
 * current payloads carry (research §4.3). Receivers recognise it by
 * `access_token: "test-token"`.
 */
export function verificationPayload(input: VerificationInput): Record<string, unknown> {
  const base = input.baseUrl;
  return {
    payload_version: 1,
    stage: input.stage,
    access_token: VERIFICATION_ACCESS_TOKEN,
    capabilities: { outcomes: true },
    configuration_version_download_url: null,
    configuration_version_id: 'cv-xxxxxxxxxxxxxxxx',
    is_speculative: false,
    organization_name: input.organization,
    plan_json_api_url: `${base}/api/v2/plans/plan-xxxxxxxxxxxxxxxx/json-output`,
    run_app_url: `${base}/app/${input.organization}/test-workspace/runs/run-xxxxxxxxxxxxxxxx`,
    run_created_at: new Date(input.nowMs).toISOString(),
    run_created_by: 'test-user',
    run_id: 'run-xxxxxxxxxxxxxxxx',
    run_message: 'Test run message',
    task_result_callback_url: `${base}/api/v2/task-results/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/callback`,
    task_result_enforcement_level: 'test',
    task_result_id: 'taskrs-xxxxxxxxxxxxxxxx',
    vcs_branch: 'main',
    vcs_commit_url: 'https://github.com/test-org/test-repo/commit/1234567sha',
    vcs_commit_hash: '1234567sha',
    vcs_pull_request_url: 'https://github.com/test-org/test-repo/pull/1',
    vcs_repo_url: 'https://github.com/test-org/test-repo',
    workspace_app_url: `${base}/app/${input.organization}/test-workspace`,
    workspace_id: 'ws-xxxxxxxxxxxxxxxx',
    workspace_name: 'test-workspace',
    workspace_working_directory: '',
  };
}
