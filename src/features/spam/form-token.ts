// Signed form tokens. The comment form carries one, issued when the page is rendered: an HMAC
// over the time, a random nonce and the article. It proves the comment came through a form we
// served, to this article, no faster than a person types, and (with the nonce recorded when a
// comment uses it, see spam.repository.ts) only once.
import { hmac, randomToken, safeEqual } from '../../lib/crypto.ts';

export type FormTokenVerdict = 'valid' | 'missing' | 'malformed' | 'too-fast' | 'expired' | 'replayed' | 'wrong-article';

/** Nobody reads an article and writes a comment faster than this; scripts do. The default of the minFormSeconds setting. */
export const MIN_FORM_SECONDS = 3;
/** A form older than this must be reloaded. Also how long a used nonce must be remembered. */
export const FORM_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

// issuedAt (ms since the epoch) . nonce . articleId . signature
const TOKEN = /^(\d{1,15})\.([A-Za-z0-9_-]{16})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

function sign(key: string, issuedAt: string, nonce: string, articleId: string): string {
  return hmac(key, 'form-token', issuedAt, nonce, articleId);
}

export function issueFormToken(key: string, articleId: number, now: number = Date.now()): string {
  const issuedAt = String(now);
  const nonce = randomToken(12);
  return `${issuedAt}.${nonce}.${articleId}.${sign(key, issuedAt, nonce, String(articleId))}`;
}

/**
 * A new token; for a form sent back with errors, pass the token it was posted with. The reader's
 * time on the form began when it was first served, so a genuine earlier token's time carries
 * over (with a fresh nonce): otherwise correcting one field quickly would look like a script.
 */
export function renewFormToken(key: string, previous: string | undefined, articleId: number, now: number = Date.now()): string {
  const genuine = checkFormToken(key, previous, { articleId, now, minSeconds: 0 }).verdict === 'valid';
  return issueFormToken(key, articleId, genuine ? Number(previous!.split('.')[0]) : now);
}

export interface FormTokenCheck {
  /** Every verdict but 'replayed', which needs the database: the caller records `nonce` to find out. */
  verdict: Exclude<FormTokenVerdict, 'replayed'>;
  /** Set when the verdict is 'valid'. */
  nonce?: string;
}

export function checkFormToken(
  key: string,
  token: string | null | undefined,
  expected: { articleId: number; now: number; minSeconds: number },
): FormTokenCheck {
  if (token === null || token === undefined || token === '') return { verdict: 'missing' };
  const parts = TOKEN.exec(token);
  if (!parts) return { verdict: 'malformed' };
  const [, issuedAt, nonce, articleId, signature] = parts as unknown as [string, string, string, string, string];
  if (!safeEqual(signature, sign(key, issuedAt, nonce, articleId))) return { verdict: 'malformed' };
  if (Number(articleId) !== expected.articleId) return { verdict: 'wrong-article' };
  const age = expected.now - Number(issuedAt);
  if (age < expected.minSeconds * 1000) return { verdict: 'too-fast' };
  if (age > FORM_TOKEN_LIFETIME_MS) return { verdict: 'expired' };
  return { verdict: 'valid', nonce };
}
