// Checks a submitted comment field by field, with messages for the person who wrote it.
import { AppError, type FieldErrors } from '../../errors.ts';

export interface CommentDraft {
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  body: string;
  parentId: number | null;
}

export const COMMENT_LIMITS = { name: 100, email: 254, url: 500, body: 10_000 } as const;

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;
// Script tags are refused outright; dangerous links are neutralised by the sanitiser instead.
const SCRIPT = /<\s*\/?\s*script\b/i;

function text(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/** Normalises and validates raw input (from a form or JSON). Throws with every field's problem at once. */
export function validateComment(input: Record<string, unknown>): CommentDraft {
  const fields: FieldErrors = {};
  const authorName = text(input.authorName).replace(/\s+/g, ' ');
  const authorEmail = text(input.authorEmail).toLowerCase();
  let authorUrl: string | null = text(input.authorUrl) || null;
  const body = text(input.body);

  if (!authorName) fields.authorName = 'Please enter your name.';
  else if (authorName.length > COMMENT_LIMITS.name) fields.authorName = `Keep your name under ${COMMENT_LIMITS.name} characters.`;

  if (!authorEmail) fields.authorEmail = 'Please enter your e-mail address; it will not be published.';
  else if (authorEmail.length > COMMENT_LIMITS.email || !EMAIL.test(authorEmail)) {
    fields.authorEmail = 'That does not look like an e-mail address.';
  }

  if (authorUrl !== null) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(authorUrl)) authorUrl = `https://${authorUrl}`;
    if (authorUrl.length > COMMENT_LIMITS.url || !isWebUrl(authorUrl)) fields.authorUrl = 'Enter a web address such as https://example.org, or leave it empty.';
  }

  if (!body) fields.body = 'Please write a comment.';
  else if (body.length > COMMENT_LIMITS.body) fields.body = `Comments can be at most ${COMMENT_LIMITS.body.toLocaleString('en')} characters; this one has ${body.length.toLocaleString('en')}.`;
  else if (SCRIPT.test(body)) fields.body = 'Comments cannot contain scripts. Remove the <script> tag.';

  let parentId: number | null = null;
  const rawParent = input.parentId;
  if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
    const n = typeof rawParent === 'number' ? rawParent : Number(rawParent);
    if (!Number.isSafeInteger(n) || n <= 0) fields.parentId = 'The comment you are replying to does not exist.';
    else parentId = n;
  }

  const problems = Object.keys(fields);
  if (problems.length > 0) {
    const onlyScript = problems.length === 1 && fields.body?.startsWith('Comments cannot contain scripts');
    throw onlyScript ? new AppError('unsafe_content', undefined, fields) : new AppError('validation_failed', undefined, fields);
  }
  return { authorName, authorEmail, authorUrl, body, parentId };
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}
