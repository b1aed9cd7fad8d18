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

export function renderCommentMarkdown(markdown: string): string {
  return sanitizeHtml(commentMd.render(markdown), COMMENT_SANITIZE).trim();
}
