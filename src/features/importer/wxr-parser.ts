// Reads WordPress's export format (WXR 1.0–1.2, from WordPress and WordPress.com) item by item:
// each <item> becomes a WxrPost with its comments and post meta, cleaned of what real files carry
// (zero-width characters, `0000-00-00` dates, e-mails with spaces around them).
import { createHash } from 'node:crypto';
import { childText, type XmlElement } from './xml-stream.ts';

/**
 * Namespace URIs (without their scheme, which exports write as http or https) of the prefixes an item's elements are
 * read by (a root may name them otherwise).
 */
export const WXR_PREFIXES: Record<string, string> = {
  'wordpress.org/export/': 'wp',
  'purl.org/rss/1.0/modules/content/': 'content',
  'wordpress.org/export/1.0/excerpt/': 'excerpt',
  'wordpress.org/export/1.1/excerpt/': 'excerpt',
  'wordpress.org/export/1.2/excerpt/': 'excerpt',
  'purl.org/dc/elements/1.1/': 'dc',
};

export interface WxrComment {
  id: string;
  parentId: string;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  authorIp: string;
  /** ISO time, or null when the file has none. */
  date: string | null;
  content: string;
  /** comment_approved: '1', '0', 'spam', 'trash' (others are read as pending). */
  approved: string;
  /** '' for a comment; 'pingback' or 'trackback' otherwise. */
  type: string;
}

export interface WxrPost {
  /** wp:post_id; for an item without one (hand-made files), a stable id made from its guid, link or title. */
  id: string;
  /** Whether `id` was made up (the item had no wp:post_id): no `/?p=` address then. */
  madeUpId: boolean;
  title: string;
  link: string;
  guid: string;
  slug: string;
  type: string;
  status: string;
  password: string;
  menuOrder: number;
  creator: string;
  content: string;
  excerpt: string;
  date: string | null;
  modified: string | null;
  /** In file order: `domain` is 'category', 'post_tag' (or '' in WXR 1.0's duplicates). */
  categories: { domain: string; nicename: string; name: string }[];
  meta: Map<string, string>;
  comments: WxrComment[];
  /** An attachment's file, relative to wp-content/uploads (its `_wp_attached_file`), or its URL. */
  attachedFile: string;
  attachmentUrl: string;
}

// Characters that real exports carry invisibly: zero-width spaces and joiners, BOMs, soft hyphens.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

export function clean(text: string): string {
  return text.replace(INVISIBLE, '').trim();
}

/** `2013-01-11 10:00:00` (UTC) as ISO; null for WordPress's `0000-00-00 00:00:00` or anything unreadable. */
export function wpDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
  if (!match || match[1] === '0000' || match[2] === '00' || match[3] === '00') return null;
  const [, year, month, day, hour, minute, second] = match as unknown as [string, ...string[]];
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  // Most dates are plainly valid and already what toISOString would write: no Date for those (an
  // import reads one per comment). Others go through Date, which rolls 30 February over as before.
  if (month! <= '12' && day! <= '28' && hour! <= '23' && minute! <= '59' && second! <= '59') return `${iso}.000Z`;
  const date = new Date(`${iso}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function readComment(element: XmlElement): WxrComment {
  const text = (name: string) => childText(element, `wp:${name}`);
  return {
    id: clean(text('comment_id')),
    parentId: clean(text('comment_parent')),
    authorName: clean(text('comment_author')),
    authorEmail: clean(text('comment_author_email')).toLowerCase(),
    authorUrl: clean(text('comment_author_url')),
    authorIp: clean(text('comment_author_IP')),
    date: wpDate(text('comment_date_gmt')) ?? wpDate(text('comment_date')),
    content: text('comment_content').replace(INVISIBLE, ''),
    approved: clean(text('comment_approved')),
    type: clean(text('comment_type')),
  };
}

export function readPost(item: XmlElement): WxrPost {
  const text = (name: string) => childText(item, name);
  const meta = new Map<string, string>();
  const categories: WxrPost['categories'] = [];
  const comments: WxrComment[] = [];
  for (const c of item.children) {
    if (c.name === 'wp:postmeta') meta.set(clean(childText(c, 'wp:meta_key')), childText(c, 'wp:meta_value').trim());
    else if (c.name === 'category')
      categories.push({ domain: c.attrs.domain ?? '', nicename: clean(c.attrs.nicename ?? ''), name: clean(c.text) });
    else if (c.name === 'wp:comment') comments.push(readComment(c));
  }
  const date = wpDate(text('wp:post_date_gmt')) ?? wpDate(text('wp:post_date'));
  const postId = clean(text('wp:post_id'));
  const identity = clean(text('guid')) || clean(text('link')) || clean(text('title'));
  return {
    id: postId || (identity ? `h${createHash('sha256').update(identity).digest('hex').slice(0, 16)}` : ''),
    madeUpId: !postId,
    title: clean(text('title')),
    link: clean(text('link')),
    guid: clean(text('guid')),
    slug: clean(safeDecode(clean(text('wp:post_name')))),
    type: clean(text('wp:post_type')) || 'post',
    status: clean(text('wp:status')) || 'publish',
    password: text('wp:post_password').trim(),
    menuOrder: Number.parseInt(text('wp:menu_order'), 10) || 0,
    creator: clean(text('dc:creator')),
    content: text('content:encoded').replace(INVISIBLE, ''),
    excerpt: clean(text('excerpt:encoded')),
    date,
    modified: wpDate(text('wp:post_modified_gmt')) ?? wpDate(text('wp:post_modified')) ?? date,
    categories,
    meta,
    comments,
    attachedFile: meta.get('_wp_attached_file') ?? '',
    attachmentUrl: clean(text('wp:attachment_url')),
  };
}

/** A channel's <wp:author>: login → display name. */
export function readAuthor(element: XmlElement): { login: string; displayName: string } {
  const login = clean(childText(element, 'wp:author_login'));
  return { login, displayName: clean(childText(element, 'wp:author_display_name')) || login };
}

/** The site the export came from, as part of every import key: `example.com/blog`. */
export function siteKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host.replace(/^www\./, '')}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return '';
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
