// How a Disqus thread's link finds its article. Links are compared by path only (scheme, host,
// `www.`, a trailing slash, `index.html`, the query string and the fragment do not matter), so
// the site's own address, its old WordPress address and a localhost or cached copy of either all
// lead to the same article. A thread is then matched, in order, by an old WordPress address
// (legacy_paths, written by the WXR import), by our own `/articles/<slug>` or `/pages/<slug>`,
// or by the link's last segment as a slug.
import { legacyPathKey } from './wxr-mapping.ts';

export interface ThreadAddress {
  /** legacyPathKey of the path: lowercase, decoded, no trailing slash. */
  path: string;
  /** WordPress's `?p=<id>` (or `?page_id=`), when the link or the thread's identifier has one. */
  postId: string | null;
  /** A development or cached copy (localhost, Google's cache…), folded into the real page. */
  copy: boolean;
}

const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|.*\.(local|localhost|test|invalid))$/i;

/** The page a cache or translation service shows a copy of, or the URL itself. */
function unwrapCopy(url: URL): { url: URL; copy: boolean } {
  const host = url.hostname.toLowerCase();
  const reparse = (text: string | null | undefined) => {
    if (!text) return null;
    try {
      return new URL(/^https?:\/\//i.test(text) ? text : `http://${text}`);
    } catch {
      return null;
    }
  };
  if (host === 'webcache.googleusercontent.com') {
    // search?q=cache:<token>:example.com/2013/01/slug/+words
    const inner = /^cache:[^:]*:([^+\s]+)/.exec(url.searchParams.get('q') ?? '')?.[1];
    const parsed = reparse(inner);
    if (parsed) return { url: parsed, copy: true };
  }
  if (host === 'translate.googleusercontent.com' || host === 'translate.google.com') {
    const parsed = reparse(url.searchParams.get('u'));
    if (parsed) return { url: parsed, copy: true };
  }
  if (host === 'web.archive.org') {
    const parsed = reparse(/^\/web\/[^/]+\/(.+)$/.exec(url.pathname)?.[1]);
    if (parsed) return { url: parsed, copy: true };
  }
  if (host.endsWith('.translate.goog')) return { url, copy: true };
  return { url, copy: LOCAL_HOST.test(host) };
}

export function threadAddress(link: string, identifier = ''): ThreadAddress | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  const { url: page, copy } = unwrapCopy(url);
  const path = legacyPathKey(page.pathname.replace(/\/index\.(html?|php)$/i, '/'));
  // WordPress's Disqus plugin names a thread "<post id> <permalink>".
  const postId =
    page.searchParams.get('p') ??
    page.searchParams.get('page_id') ??
    /^(\d+)\s+https?:\/\//.exec(identifier.trim())?.[1] ??
    null;
  return { path, postId, copy };
}

/** The key threads are grouped by: copies of one page share it. */
export function addressKey(address: ThreadAddress): string {
  return address.path === '/' && address.postId ? `/?p=${address.postId}` : address.path;
}

/** Old addresses to look up in legacy_paths, best first. */
export function legacyCandidates(address: ThreadAddress): string[] {
  const found = [address.path];
  if (address.postId) found.push(`/?p=${address.postId}`, `/?page_id=${address.postId}`);
  return found.filter((p) => p !== '/');
}

/** Slugs the link may name: ours (/articles/<slug>, /pages/<slug>), else its last segment. */
export function slugCandidates(address: ThreadAddress): string[] {
  const ours = /^\/(?:articles|pages)\/([^/]+)$/.exec(address.path)?.[1];
  if (ours) return [ours];
  const last = address.path
    .split('/')
    .filter(Boolean)
    .at(-1)
    ?.replace(/\.(html?|php)$/, '');
  return last ? [last] : [];
}
