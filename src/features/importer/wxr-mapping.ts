// The rules that turn a WordPress post into our article or static page: status, section and tags,
// reader scores (WP Review, kk Star Ratings) and the editor's score, old addresses, and comments
// (status, threading, what is skipped). Pure functions, tested alone.
import { isReviewType, type ReviewType } from '../articles/article.model.ts';
import type { ArticleStatus } from '../articles/article.table.ts';
import type { CommentStatus } from '../comments/comment.table.ts';
import type { WxrComment, WxrPost } from './wxr-parser.ts';

export type PostDecision =
  | { import: true; kind: 'article' | 'page'; status: ArticleStatus; publishedAt: string | null; note?: string }
  | { import: false; skipped: string; reason?: string };

const SKIPPED_TYPES: Record<string, string> = {
  attachment: 'attachment',
  nav_menu_item: 'menu item',
  revision: 'revision',
};

/** Whether and how a post is imported. */
export function decidePost(post: WxrPost, now: string): PostDecision {
  if (post.type !== 'post' && post.type !== 'page')
    return { import: false, skipped: SKIPPED_TYPES[post.type] ?? 'other post type' };
  if (!post.id) return { import: false, skipped: 'invalid', reason: 'it has no wp:post_id, guid, link or title' };
  const kind = post.type === 'page' ? 'page' : 'article';
  switch (post.status) {
    case 'trash':
      return { import: false, skipped: 'trash', reason: 'it is in the trash' };
    case 'auto-draft':
    case 'inherit':
      return { import: false, skipped: 'auto-draft' };
    case 'publish':
    case 'future':
      break;
    default: // draft, pending, private and anything unknown: a draft, to be looked at
      return {
        import: true,
        kind,
        status: 'draft',
        publishedAt: post.date,
        note: post.status === 'draft' ? undefined : `was ${post.status} in WordPress: imported as a draft`,
      };
  }
  if (post.password)
    return {
      import: true,
      kind,
      status: 'draft',
      publishedAt: post.date,
      note: 'was password-protected in WordPress: imported as a draft',
    };
  if (post.status === 'future' || (post.date !== null && post.date > now))
    return { import: true, kind, status: 'scheduled', publishedAt: post.date ?? now };
  return { import: true, kind, status: 'published', publishedAt: post.date ?? now };
}

/** First category → section ('Uncategorized', WordPress's default, is no section); other categories and tags → tags. */
export function sectionAndTags(post: WxrPost): { section: string; tags: string[] } {
  // WXR 1.0 repeats categories without a domain: those count as categories.
  const categories = post.categories.filter((c) => c.domain === 'category' || c.domain === '').map((c) => c.name);
  const tags = post.categories.filter((c) => c.domain === 'post_tag' || c.domain === 'tag').map((c) => c.name);
  const unique = [...new Set(categories.filter(Boolean))];
  const first = unique[0] ?? '';
  const section = first.toLowerCase() === 'uncategorized' || first.toLowerCase() === 'uncategorised' ? '' : first;
  const rest = unique.slice(1).filter((c) => c.toLowerCase() !== 'uncategorized');
  return { section, tags: [...new Set([...rest, ...tags].map((t) => t.slice(0, 100)).filter(Boolean))] };
}

const number = (text: string | undefined) => {
  const n = Number.parseFloat((text ?? '').replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
};

/** WP Review's scale for a review type: star 0–5, point 0–10, percentage (and the rest) 0–100. */
function wpReviewScale(type: string | undefined): number {
  return type === 'star' ? 5 : type === 'point' ? 10 : 100;
}

/** The readers' score carried over as the baseline (sum of percents, count), or undefined when there is none. */
export function ratingBaseline(meta: Map<string, string>): { sum: number; count: number; source: string } | undefined {
  const userAverage = number(meta.get('wp_review_user_reviews'));
  const userCount = number(meta.get('wp_review_review_count'));
  if (userAverage !== undefined && userCount !== undefined && userCount >= 1) {
    const scale = wpReviewScale(meta.get('wp_review_user_review_type') ?? meta.get('wp_review_type'));
    const percent = Math.min(100, Math.max(0, (userAverage / scale) * 100));
    const count = Math.floor(userCount);
    return { sum: Math.round(percent * count), count, source: 'WP Review' };
  }
  const stars = number(meta.get('_kksr_ratings'));
  const casts = number(meta.get('_kksr_casts'));
  if (stars !== undefined && casts !== undefined && casts >= 1) {
    const count = Math.floor(casts);
    return { sum: Math.round(Math.min(100 * count, Math.max(0, stars * 20))), count, source: 'kk Star Ratings' };
  }
  return undefined;
}

/**
 * WP Review's editor score as the review's own rating (null without one), with what it reviews
 * (null when its schema type is none of ours); undefined when the post is no review.
 */
export function editorReview(
  meta: Map<string, string>,
  title: string,
): { rating: number | null; type: ReviewType | null; name: string } | undefined {
  const type = meta.get('wp_review_type');
  if (!type || type === 'none') return undefined;
  const total = number(meta.get('wp_review_total'));
  const scale = wpReviewScale(type);
  // A total beyond its type's scale (WP Review's own demo has 80.5 "stars") was kept from when
  // the review had another type: read as the percentage it must be.
  const percent = total === undefined ? undefined : total > scale && total <= 100 ? total : (total / scale) * 100;
  const rating = percent === undefined ? null : Math.round(Math.min(100, Math.max(0, percent)));
  const schema = meta.get('wp_review_schema') ?? '';
  if (rating === null && !isReviewType(schema)) return undefined;
  const name = (meta.get('wp_review_heading') ?? '').trim() || title;
  return { rating, type: isReviewType(schema) ? schema : null, name: name.slice(0, 200) };
}

/** The normalised form of an old address for the legacy table: path only, decoded, lower case, no trailing slash. */
export function legacyPathKey(pathAndQuery: string): string {
  let path = pathAndQuery.split('#')[0]!;
  try {
    path = decodeURI(path);
  } catch {
    // kept as written
  }
  path = path.toLowerCase();
  const [p, q] = path.split('?', 2) as [string, string | undefined];
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  return q === undefined ? trimmed || '/' : `${trimmed || '/'}?${q}`;
}

/** The old addresses of a post: its permalink's path, and `/?p=<id>` (`/?page_id=<id>` for pages too). */
export function legacyPaths(post: WxrPost): string[] {
  const paths = new Set<string>();
  if (!post.madeUpId) paths.add(legacyPathKey(`/?p=${post.id}`));
  if (!post.madeUpId && post.type === 'page') paths.add(legacyPathKey(`/?page_id=${post.id}`));
  try {
    const url = new URL(post.link);
    if (url.pathname !== '/' || url.search) {
      const query = url.searchParams.get('p') ?? url.searchParams.get('page_id');
      paths.add(legacyPathKey(query ? `/?${url.searchParams.has('p') ? 'p' : 'page_id'}=${query}` : url.pathname));
    }
  } catch {
    // no usable link: /?p= still works
  }
  return [...paths].filter((p) => p.length <= 500);
}

export function commentStatus(approved: string): CommentStatus {
  if (approved === '1' || approved === 'approve' || approved === 'approved') return 'approved';
  if (approved === 'spam') return 'spam';
  if (approved === 'trash' || approved === 'post-trashed') return 'trash';
  return 'pending';
}

export interface ThreadedComment {
  comment: WxrComment;
  /** The parent's WordPress id, or '' for a top-level comment (also when the parent is not in the file). */
  parent: string;
  depth: number;
}

/**
 * Comments in an order where each parent comes before its replies, with their depth. A reply
 * whose parent is missing (or skipped) becomes top-level; a loop of parents is broken the same way.
 */
export function threadComments(comments: WxrComment[]): { threaded: ThreadedComment[]; orphans: WxrComment[] } {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const depth = new Map<string, number>();
  const orphans: WxrComment[] = [];
  const depthOf = (c: WxrComment): number => {
    const known = depth.get(c.id);
    if (known !== undefined) return known;
    const chain: WxrComment[] = [];
    let current: WxrComment | undefined = c;
    const seen = new Set<string>();
    while (current && !depth.has(current.id)) {
      if (seen.has(current.id)) break; // a loop: its first member becomes top-level
      seen.add(current.id);
      chain.push(current);
      const parentId: string = current.parentId;
      current = parentId && parentId !== '0' ? byId.get(parentId) : undefined;
    }
    let d = current && depth.has(current.id) ? depth.get(current.id)! + 1 : 0;
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i]!.id, i === chain.length - 1 ? d : ++d);
    return depth.get(c.id)!;
  };
  const threaded = comments.map((comment) => {
    const d = depthOf(comment);
    const hasParent = comment.parentId && comment.parentId !== '0';
    const parentKnown = hasParent && byId.has(comment.parentId) && d > 0;
    if (hasParent && !parentKnown) orphans.push(comment);
    return { comment, parent: parentKnown ? comment.parentId : '', depth: d };
  });
  threaded.sort((a, b) => a.depth - b.depth);
  return { threaded, orphans };
}
