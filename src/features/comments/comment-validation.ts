// Checks a submitted comment field by field, with messages for the person who wrote it.
import { AppError, type FieldErrors } from '../../errors.ts';
import { stripAllControls, stripControls } from '../../lib/control-chars.ts';

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

// Text-direction overrides and isolates reorder what follows them: a name could make the line
// it sits in read backwards ("moc.elpmaxe" shown as "example.com").
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
// Characters that show nothing: format characters (zero-width spaces and joiners, the BOM…),
// spaces, and the fillers and blanks some scripts have.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: U+034F is listed to be matched on its own.
const INVISIBLE = /[\p{Cf}\p{Z}\s\u115F\u1160\u3164\uFFA0\u2800\u034F\u17B4\u17B5\u180E]/gu;
// A well-formed web address as typed: the scheme, exactly two slashes, then the host.
const WEB_URL = /^https?:\/\/[^/\\\s?#@]/i;
// Characters that never belong in an address a person types, and would only carry markup.
const URL_UNSAFE = /[\s<>"'`{}|\\^]/;

/** Control characters (but tab and line breaks) removed, line breaks normalised, trimmed. */
function text(value: unknown): string {
  return typeof value === 'string' ? stripControls(value).replace(/\r\n?/g, '\n').trim() : '';
}

/** A one-line value: every control character removed, trimmed. */
function line(value: unknown): string {
  return typeof value === 'string' ? stripAllControls(value).trim() : '';
}

/** Normalises and validates raw input (from a form or JSON). Throws with every field's problem at once. */
export function validateComment(input: Record<string, unknown>): CommentDraft {
  const fields: FieldErrors = {};
  const authorName = line(input.authorName).replace(/\s+/g, ' ');
  const authorEmail = line(input.authorEmail).toLowerCase();
  let authorUrl: string | null = line(input.authorUrl) || null;
  const body = text(input.body);
  // A script is the one problem with its own code (unsafe_content), when it is the only one.
  let unsafe = false;

  if (!authorName) fields.authorName = 'Please enter your name.';
  else if (authorName.replace(INVISIBLE, '') === '') fields.authorName = 'Please enter a name people can see.';
  else if (BIDI_CONTROLS.test(authorName))
    fields.authorName = 'Names cannot contain text-direction control characters.';
  else if (authorName.length > COMMENT_LIMITS.name)
    fields.authorName = `Keep your name under ${COMMENT_LIMITS.name} characters.`;

  if (!authorEmail) fields.authorEmail = 'Please enter your e-mail address; it will not be published.';
  else if (authorEmail.length > COMMENT_LIMITS.email || !EMAIL.test(authorEmail)) {
    fields.authorEmail = 'That does not look like an e-mail address.';
  }

  if (authorUrl !== null) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(authorUrl)) authorUrl = `https://${authorUrl}`;
    const url = authorUrl.length > COMMENT_LIMITS.url ? null : webUrl(authorUrl);
    if (url === null) fields.authorUrl = 'Enter a web address such as https://example.org, or leave it empty.';
    else authorUrl = url;
  }

  if (!body) fields.body = 'Please write a comment.';
  else if (body.length > COMMENT_LIMITS.body)
    fields.body =
      `Comments can be at most ${COMMENT_LIMITS.body.toLocaleString('en')} characters; ` +
      `this one has ${body.length.toLocaleString('en')}.`;
  else if (SCRIPT.test(body)) {
    fields.body = 'Comments cannot contain scripts. Remove the <script> tag.';
    unsafe = true;
  }

  let parentId: number | null = null;
  const rawParent = input.parentId;
  if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
    const n = typeof rawParent === 'number' ? rawParent : Number(rawParent);
    if (!Number.isSafeInteger(n) || n <= 0) fields.parentId = 'The comment you are replying to does not exist.';
    else parentId = n;
  }

  const problems = Object.keys(fields);
  if (problems.length > 0) {
    throw unsafe && problems.length === 1
      ? new AppError('unsafe_content', undefined, fields)
      : new AppError('validation_failed', undefined, fields);
  }
  return { authorName, authorEmail, authorUrl, body, parentId };
}

/**
 * The address in its normal form (lower-case host, default port dropped, path escaped), or null unless it is a
 * well-formed http(s) URL.
 */
function webUrl(value: string): string | null {
  if (!WEB_URL.test(value) || URL_UNSAFE.test(value)) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || !url.hostname.includes('.') || url.hostname.endsWith('.')) return null;
    return url.href.length > COMMENT_LIMITS.url ? null : url.href;
  } catch {
    return null;
  }
}
