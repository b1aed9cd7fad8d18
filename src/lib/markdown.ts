// Markdown → HTML for articles (staff-written) and comments (a small, sanitised subset).
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Article Markdown may hold HTML (imported markup Markdown has no form for, such as <sup> or a
// definition list): it passes only through the allow-list below. Comments never take HTML.
const articleMd = new MarkdownIt({ html: true, linkify: true, typographer: false });

const commentMd = new MarkdownIt('zero', { html: false, linkify: true, breaks: true }).enable([
  'paragraph',
  'newline',
  'emphasis',
  'backticks',
  'link',
  'linkify',
  'blockquote',
  'list',
  'code',
  'fence',
  'escape',
]);

const COMMENT_SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'code', 'pre', 'a', 'blockquote', 'ul', 'ol', 'li'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { href: attribs.href ?? '', rel: 'nofollow ugc noopener' } }),
  },
};

export const ARTICLE_SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'img',
    'figure',
    'figcaption',
    'video',
    'audio',
    'source',
    'ins',
    'mark',
    'kbd',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    ol: ['start'],
    code: ['class'],
    video: ['src', 'controls', 'poster', 'width', 'height'],
    audio: ['src', 'controls'],
    source: ['src', 'type'],
  },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  allowedSchemes: ['http', 'https', 'mailto'],
};

export function renderArticleMarkdown(markdown: string): string {
  return sanitizeHtml(articleMd.render(markdown), ARTICLE_SANITIZE);
}

/**
 * A comment's HTML: markdown-it's output (which takes no HTML from the reader) through the
 * allow-list. Most comments come out of markdown-it holding only tags the allow-list keeps as
 * they are, which `asSanitized` checks and spells as sanitize-html would; the rest (a link to
 * another scheme, a fence's language, a list's start) go through sanitize-html itself, which
 * cost more than all of the rest of taking a comment.
 */
export function renderCommentMarkdown(markdown: string): string {
  const html = commentMd.render(markdown);
  return asSanitized(html) ?? sanitizeHtml(html, COMMENT_SANITIZE).trim();
}

/** renderCommentMarkdown always through sanitize-html: the reference asSanitized is tested against. */
export function renderCommentMarkdownSanitized(markdown: string): string {
  return sanitizeHtml(commentMd.render(markdown), COMMENT_SANITIZE).trim();
}

const TAG = /<[^>]*>/g;
/** Tags COMMENT_SANITIZE keeps unchanged, written as markdown-it writes them: no attributes. */
const KEPT_TAG = /^<(?:\/?(?:p|em|strong|code|pre|blockquote|ul|ol|li)|\/a)>$/;
/** A link to an allowed scheme, as markdown-it writes one (its href escaped, no title). */
const ALLOWED_LINK = /^<a href="(?:https?:\/\/|mailto:)[^"<>]*">$/;
const LINK_REL = ' rel="nofollow ugc noopener">';

/**
 * markdown-it's comment HTML as sanitize-html would give it back, when every tag in it is one the
 * allow-list keeps: `<br />` for `<br>`, the rel added to links, quotes in text unescaped (only
 * `&`, `<` and `>` stay escaped in text). Undefined for anything else, which the caller sanitises.
 */
function asSanitized(html: string): string | undefined {
  let out = '';
  let last = 0;
  for (const match of html.matchAll(TAG)) {
    const tag = match[0];
    out += html.slice(last, match.index).replaceAll('&quot;', '"');
    if (KEPT_TAG.test(tag)) out += tag;
    else if (tag === '<br>') out += '<br />';
    else if (ALLOWED_LINK.test(tag)) out += tag.slice(0, -1) + LINK_REL;
    else return undefined;
    last = match.index + tag.length;
  }
  return (out + html.slice(last).replaceAll('&quot;', '"')).trim();
}
