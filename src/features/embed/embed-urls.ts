// Which pages may show the embed, and how a page's address names its thread.
import { parseOrigin } from '../../config.ts';

/** Longest thread URL accepted (browsers and proxies handle far longer, but no page needs it). */
export const MAX_THREAD_URL = 2_000;

// Query parameters that say where a visitor came from, not which page they are on: a thread URL
// with them names the same thread as without.
const TRACKING =
  /^(utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|mkt_tok|ref_src|ref_url)$/i;

export type ThreadUrl =
  | { ok: true; url: string; origin: string }
  | { ok: false; problem: 'invalid' | 'too_long' | 'origin_not_allowed' };

/**
 * The thread's canonical URL: http(s) only, no credentials, no fragment, no tracking parameters
 * (the others kept in their order), and only on an allowed origin.
 */
export function normaliseThreadUrl(raw: string, allowed: ReadonlySet<string>): ThreadUrl {
  if (raw.length > MAX_THREAD_URL) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.hostname === '')
    return { ok: false, problem: 'invalid' };
  if (!allowed.has(url.origin)) return { ok: false, problem: 'origin_not_allowed' };
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (TRACKING.test(name)) url.searchParams.delete(name);
  const normal = url.searchParams.size === 0 ? `${url.origin}${url.pathname}` : url.href;
  return normal.length > MAX_THREAD_URL
    ? { ok: false, problem: 'too_long' }
    : { ok: true, url: normal, origin: url.origin };
}

/** EMBED_ORIGINS and the admin's list, as one set (recomputed only when the settings change). */
export function embedOriginsOf(
  fromConfig: readonly string[],
): (fromSettings: readonly string[]) => ReadonlySet<string> {
  let seen: readonly string[] | undefined;
  let set: ReadonlySet<string> = new Set(fromConfig);
  return (fromSettings) => {
    if (fromSettings !== seen) {
      seen = fromSettings;
      set = new Set([...fromConfig, ...fromSettings.flatMap((entry) => parseOrigin(entry) ?? [])]);
    }
    return set;
  };
}
