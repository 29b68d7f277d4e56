/**
 * Every error title and detail the `tfc` dialect answers with. Titles come
 * from research §1.4; details for run-task validation follow Rails' wording,
 * which the reference recommends because the real strings are undocumented
 * (research §2.3).
 */

export const TITLE_BAD_REQUEST = 'bad request';
export const TITLE_UNAUTHORIZED = 'unauthorized';
export const TITLE_NOT_FOUND = 'not found';
export const TITLE_CONFLICT = 'conflict';
export const TITLE_UNSUPPORTED_MEDIA_TYPE = 'unsupported media type';
export const TITLE_INVALID_ATTRIBUTE = 'invalid attribute';
export const TITLE_TOO_MANY_REQUESTS = 'Too many requests';

export const DETAIL_INVALID_INCLUDE = 'Invalid include parameter';
export const DETAIL_INVALID_JSON = 'The request body could not be parsed as JSON';
export const DETAIL_RATE_LIMIT = "You have exceeded the API's rate limit.";
export const DETAIL_TRANSITION_NOT_ALLOWED = 'transition not allowed';
export const DETAIL_RESULT_FINAL = 'The task result is in a terminal state and cannot be updated';

export const DETAIL_DATA_REQUIRED = 'data is required';
export const DETAIL_TYPE_INVALID = 'Type is invalid';
export const DETAIL_ATTRIBUTES_INVALID = 'Attributes is invalid';
export const DETAIL_NAME_BLANK = "Name can't be blank";
export const DETAIL_NAME_INVALID = 'Name is invalid';
export const DETAIL_NAME_TAKEN = 'Name has already been taken';
export const DETAIL_URL_BLANK = "Url can't be blank";
export const DETAIL_URL_INVALID = 'Url is invalid';
export const DETAIL_URL_VERIFICATION_FAILED =
  'Url could not be verified: the run task did not respond with 200 OK';
export const DETAIL_DESCRIPTION_TOO_LONG = 'Description is too long (maximum is 300 characters)';
export const DETAIL_DESCRIPTION_INVALID = 'Description is invalid';
export const DETAIL_CATEGORY_NOT_IN_LIST = 'Category is not included in the list';
export const DETAIL_ENABLED_INVALID = 'Enabled is invalid';
export const DETAIL_HMAC_KEY_INVALID = 'Hmac key is invalid';
export const DETAIL_GLOBAL_INVALID = 'Global configuration is invalid';
export const DETAIL_STAGES_NOT_IN_LIST = 'Stages is not included in the list';
export const DETAIL_STAGES_BLANK = "Stages can't be blank";
export const DETAIL_STAGE_NOT_IN_LIST = 'Stage is not included in the list';
export const DETAIL_ENFORCEMENT_NOT_IN_LIST = 'Enforcement level is not included in the list';
export const DETAIL_AGENT_POOL_MISSING =
  'The provided agent pool does not exist or you are not authorized to use it';
export const DETAIL_TASK_TAKEN = 'Task has already been taken';
export const DETAIL_TASK_REQUIRED = "Task can't be blank";
export const DETAIL_TASK_LIMIT = 'Run task limit has been reached for this organization';
export const DETAIL_WORKSPACE_TASK_LIMIT = 'Run task limit has been reached for this workspace';
export const DETAIL_MANDATORY_LIMIT =
  'Mandatory enforcement limit has been reached for this organization';
export const DETAIL_TASK_STILL_ASSOCIATED =
  'Run task is still associated with one or more workspaces';
export const DETAIL_CALLBACK_STATUS =
  'Status is not included in the list (must be one of running, passed, failed)';
export const DETAIL_CALLBACK_MESSAGE_INVALID = 'Message is invalid';
export const DETAIL_CALLBACK_URL_INVALID = 'Url is invalid';
export const DETAIL_OUTCOMES_INVALID = 'Outcomes is invalid';
