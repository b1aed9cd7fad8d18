// One catalogue of error codes. Clients branch on `error`, never on the message text.

export const ERRORS = {
  validation_failed: { status: 400, message: 'Some fields need attention.' },
  bad_request: { status: 400, message: 'The request could not be understood.' },
  unauthenticated: { status: 401, message: 'Please log in.' },
  login_failed: { status: 401, message: 'E-mail or password is incorrect.' },
  login_throttled: { status: 429, message: 'Too many failed attempts. Wait 15 minutes and try again.' },
  csrf_invalid: { status: 403, message: 'This form has expired. Reload the page and try again.' },
  forbidden: { status: 403, message: 'You are not allowed to do that.' },
  edit_not_allowed: {
    status: 403,
    message: 'You can only edit your own comments, from the browser you wrote them in.',
  },
  edit_window_closed: { status: 403, message: 'The time for editing this comment has passed.' },
  banned: { status: 403, message: 'You have been banned from commenting on this site.' },
  ban_staff: { status: 409, message: 'Staff members cannot be banned.' },
  ban_not_possible: { status: 422, message: 'This comment does not carry what that ban needs.' },
  origin_not_allowed: { status: 403, message: 'Comments and ratings may not be shown on that site.' },
  not_found: { status: 404, message: 'Nothing is here.' },
  article_not_found: { status: 404, message: 'There is no such article.' },
  comment_not_found: { status: 404, message: 'There is no such comment.' },
  link_invalid: {
    status: 400,
    message: 'This link is not valid: it may have been cut short or changed. Copy the whole link from the e-mail.',
  },
  link_expired: { status: 410, message: 'This link has expired or has already been used. Ask for a new one.' },
  mail_disabled: { status: 503, message: 'This site does not send e-mail at the moment.' },
  comments_closed: { status: 409, message: 'Comments are closed on this article.' },
  email_taken: { status: 409, message: 'There is already an account with that e-mail address.' },
  slug_taken: { status: 409, message: 'Another article already uses that address (slug).' },
  request_timeout: { status: 408, message: 'The request took too long to arrive. Try again.' },
  payload_too_large: { status: 413, message: 'That is too much to send at once.' },
  unsupported_media_type: { status: 415, message: 'Send JSON or a form.' },
  invalid_thread_url: { status: 422, message: 'The page address must be an http:// or https:// URL.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  unsafe_content: { status: 422, message: 'Comments cannot contain scripts.' },
  invalid_parent: { status: 422, message: 'You can only reply to a published comment on the same article.' },
  reply_too_deep: { status: 422, message: 'This conversation is nested as deep as it can go; reply further up.' },
  rating_cap_reached: { status: 429, message: 'Too many ratings for this article from your network today.' },
  rate_limited: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  unavailable: { status: 503, message: 'The service is unavailable for a moment. Try again shortly.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Field name → what is wrong with it, in words for the person who filled it in. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldErrors,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export function errorBody(error: AppError): { error: ErrorCode; message: string; fields?: FieldErrors } {
  return error.fields
    ? { error: error.code, message: error.message, fields: error.fields }
    : { error: error.code, message: error.message };
}
