// Signed form tokens: an HMAC over the time, a random nonce and the article. A token proves the
// comment came through a form we served, to this article, no faster than a person types.
//
// There are two kinds, because the article page is one shared document (cached by us and by
// edge caches for every anonymous reader):
// - a *personal* token, which the page's script fetches when the reader first focuses the
//   comment form (GET /api/v1/articles/:id/form-token): its time is that moment, and its nonce
//   is recorded when a comment uses it (spam.repository.ts), so it works once;
// - the *shared* token in the cached page (prefixed `s`), the path for browsers without
//   JavaScript: its time is when the page was built, which still catches a script posting
//   faster than a person could since that build, but every reader of that page holds the same
//   one, so it cannot be single-use. Pages renew it (see SHARED_TOKEN_RENEW_MS).
import { hmac, randomToken, safeEqual } from '../../lib/crypto.ts';

export type FormTokenVerdict =
  | 'valid'
  | 'missing'
  | 'malformed'
  | 'too-fast'
  | 'expired'
  | 'replayed'
  | 'wrong-article';

/**
 * Nobody reads an article and writes a comment faster than this; scripts do. The default of the minFormSeconds setting.
 */
export const MIN_FORM_SECONDS = 3;
/** A form older than this must be reloaded. Also how long a used nonce must be remembered. */
export const FORM_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A page older than this gets a new shared token when it is next served, well within the lifetime. */
export const SHARED_TOKEN_RENEW_MS = 60 * 60 * 1000;

// [s] issuedAt (ms since the epoch) . nonce . articleId . signature
const TOKEN = /^(s?)(\d{1,15})\.([A-Za-z0-9_-]{16})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

function sign(key: string, shared: boolean, issuedAt: string, nonce: string, articleId: string): string {
  return hmac(key, shared ? 'shared-form-token' : 'form-token', issuedAt, nonce, articleId);
}

function issue(key: string, shared: boolean, articleId: number, now: number): string {
  const issuedAt = String(now);
  const nonce = randomToken(12);
  return (
    `${shared ? 's' : ''}${issuedAt}.${nonce}.${articleId}.` +
    `${sign(key, shared, issuedAt, nonce, String(articleId))}`
  );
}

/** A personal token: single use, timed from now. */
export function issueFormToken(key: string, articleId: number, now: number = Date.now()): string {
  return issue(key, false, articleId, now);
}

/** The token a shared (cached) page carries: timed from the page's build, usable by every reader of it. */
export function issueSharedFormToken(key: string, articleId: number, now: number = Date.now()): string {
  return issue(key, true, articleId, now);
}

/** When the token says it was issued (ms), or null when it is not one of ours. */
export function formTokenIssuedAt(token: string): number | null {
  const parts = TOKEN.exec(token);
  return parts ? Number(parts[2]) : null;
}

/**
 * A new token; for a form sent back with errors, pass the token it was posted with. The reader's
 * time on the form began when it was first served, so a genuine earlier token's time carries
 * over (with a fresh nonce): otherwise correcting one field quickly would look like a script.
 */
export function renewFormToken(
  key: string,
  previous: string | undefined,
  articleId: number,
  now: number = Date.now(),
): string {
  const check = checkFormToken(key, previous, { articleId, now, minSeconds: 0 });
  if (check.verdict !== 'valid') return issueFormToken(key, articleId, now);
  // A shared token is not used up: the form may carry it again.
  return check.shared ? previous! : issueFormToken(key, articleId, formTokenIssuedAt(previous!)!);
}

export interface FormTokenCheck {
  /** Every verdict but 'replayed', which needs the database: the caller records `nonce` to find out. */
  verdict: Exclude<FormTokenVerdict, 'replayed'>;
  /** Set when the verdict is 'valid' and the token is personal: record it to use it up. */
  nonce?: string;
  /** A shared page's token: valid for every reader of that page, never used up. */
  shared?: boolean;
}

export function checkFormToken(
  key: string,
  token: string | null | undefined,
  expected: { articleId: number; now: number; minSeconds: number },
): FormTokenCheck {
  if (token === null || token === undefined || token === '') return { verdict: 'missing' };
  const parts = TOKEN.exec(token);
  if (!parts) return { verdict: 'malformed' };
  const [, kind, issuedAt, nonce, articleId, signature] = parts as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const shared = kind === 's';
  if (!safeEqual(signature, sign(key, shared, issuedAt, nonce, articleId))) return { verdict: 'malformed' };
  if (Number(articleId) !== expected.articleId) return { verdict: 'wrong-article' };
  const age = expected.now - Number(issuedAt);
  if (age < expected.minSeconds * 1000) return { verdict: 'too-fast' };
  if (age > FORM_TOKEN_LIFETIME_MS) return { verdict: 'expired' };
  return shared ? { verdict: 'valid', shared } : { verdict: 'valid', nonce };
}
