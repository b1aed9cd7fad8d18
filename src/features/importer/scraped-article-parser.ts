// Parses a scraped article saved as plain text: a headline line, paragraphs separated
// by blank lines, and optionally the site's review/comment widgets flattened to text
// at the end. The widgets carry the article's rating; they are never part of the body.
import MarkdownIt from 'markdown-it';

export interface ScrapedArticle {
  title: string;
  paragraphs: string[];
  /** The paragraphs as Markdown that renders back to exactly their text. */
  bodyMarkdown: string;
  rating: { score: number; count: number } | null;
}

export class ScrapedArticleError extends Error {
  override name = 'ScrapedArticleError';
}

// Scrapers keep NBSP and typographic spaces from the page; in plain text they are just spaces.
const SPACE_RUN = /[\t\v\f \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;

const FOOTER_START = /^(?:reviews|leave your comment)$/i;
const FOOTER_LABELS = [
  /^$/,
  /^reviews$/i,
  /^user score$/i,
  /^rate this$/i,
  /^leave your comment$/i,
  /^your email address will not be published\.?(?: required fields are marked \*)?$/i,
  /^required fields are marked \*$/i,
];
// Loose on purpose: a malformed number still belongs to the footer, it just yields no rating.
const SCORE_LINE = /^([-+]?[\d.,]+) ?%$/;
const COUNT_LINE = /^([-+]?[\d.,' ]+) ratings?$/i;

function normaliseSpaces(line: string): string {
  return line.replace(SPACE_RUN, ' ').trim();
}

function toLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(normaliseSpaces);
}

/** Footer lines are matched with HTML-escaped NBSPs ("85&nbsp;%") read as spaces. */
function footerKey(line: string): string {
  return normaliseSpaces(line.replace(/&nbsp;/gi, ' '));
}

function isFooterLine(line: string): boolean {
  const key = footerKey(line);
  return FOOTER_LABELS.some((label) => label.test(key)) || SCORE_LINE.test(key) || COUNT_LINE.test(key);
}

/** Index of the first footer line, or lines.length when the text has no footer. */
function findFooterStart(lines: string[]): number {
  let tail = lines.length;
  while (tail > 0 && isFooterLine(lines[tail - 1]!)) tail--;
  const start = lines.slice(tail).findIndex((line) => FOOTER_START.test(footerKey(line)));
  return start === -1 ? lines.length : tail + start;
}

function parseScore(raw: string): number | null {
  if (!/^\d{1,3}$/.test(raw)) return null;
  const score = Number(raw);
  return score <= 100 ? score : null;
}

/** Accepts plain digits or digits grouped in thousands ("1,234", "1 234", "1'234"). */
function parseCount(raw: string): number | null {
  if (!/^(?:\d+|\d{1,3}(?:[,' ]\d{3})+)$/.test(raw)) return null;
  const count = Number(raw.replace(/[,' ]/g, ''));
  return Number.isSafeInteger(count) ? count : null;
}

function readRating(footer: string[]): ScrapedArticle['rating'] {
  const keys = footer.map(footerKey);
  const scoreRaw = keys.map((key) => SCORE_LINE.exec(key)?.[1]).find((raw) => raw !== undefined);
  const countRaw = keys.map((key) => COUNT_LINE.exec(key)?.[1]).find((raw) => raw !== undefined);
  if (scoreRaw === undefined || countRaw === undefined) return null;
  const score = parseScore(scoreRaw);
  const count = parseCount(countRaw.trim());
  // A score over zero ratings means nothing, so it is dropped like a missing one.
  return score === null || count === null || count === 0 ? null : { score, count };
}

/** Consecutive non-blank lines form one paragraph, joined with a space. */
function toParagraphs(lines: string[]): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of [...lines, '']) {
    if (line !== '') {
      current.push(line);
    } else if (current.length > 0) {
      paragraphs.push(current.join(' '));
      current = [];
    }
  }
  return paragraphs;
}

// Backslash escapes work before any ASCII punctuation in CommonMark, so escaping is always safe;
// only characters that could start markup are escaped, to keep the Markdown readable for editors.
const INLINE_MARKUP = /[\\`*_[\]<~]/g;
const ENTITY_LIKE = /&(?=#\d{1,7};|#x[\da-f]{1,6};|[a-z][a-z\d]{1,31};)/gi;
const AUTOLINKABLE = /^[a-z][a-z\d+.-]{1,31}:\/\/[^<>\s]*$/i;

const linkify = new MarkdownIt().linkify;

function escapeInline(text: string): string {
  return text.replace(INLINE_MARKUP, '\\$&').replace(ENTITY_LIKE, '\\&');
}

/**
 * URLs with a scheme become autolinks: markdown-it's linkify option reads them from the raw
 * source, where escapes inside a URL would end up in the link, and the URL's end would be guessed.
 */
function escapeInlineWithUrls(text: string): string {
  let out = '';
  let last = 0;
  for (const match of linkify.match(text) ?? []) {
    if (!AUTOLINKABLE.test(match.raw)) continue;
    out += `${escapeInline(text.slice(last, match.index))}<${match.raw}>`;
    last = match.lastIndex;
  }
  return out + escapeInline(text.slice(last));
}

/** Escapes one single-line paragraph (leading whitespace already trimmed). */
function escapeMarkdownParagraph(text: string): string {
  return escapeInlineWithUrls(text)
    .replace(/^#(?=#{0,5}(?: |$))/, '\\#') // ATX heading
    .replace(/^>/, '\\>') // blockquote
    .replace(/^([+-])(?= |$)|^-(?=-)/, '\\$&') // bullet list item, thematic break "---"
    .replace(/^(\d{1,9})([.)])(?= |$)/, '$1\\$2'); // ordered list item
}

export function parseScrapedArticle(text: string): ScrapedArticle {
  const lines = toLines(text);
  if (lines.every((line) => line === '')) throw new ScrapedArticleError('The file is empty.');

  const footerStart = findFooterStart(lines);
  const titleIndex = lines.findIndex((line, i) => i < footerStart && line !== '');
  if (titleIndex === -1) throw new ScrapedArticleError('The file has no headline.');

  const paragraphs = toParagraphs(lines.slice(titleIndex + 1, footerStart));
  if (paragraphs.length === 0) throw new ScrapedArticleError('The file has a headline but no article text.');

  return {
    title: lines[titleIndex]!,
    paragraphs,
    bodyMarkdown: paragraphs.map(escapeMarkdownParagraph).join('\n\n'),
    rating: readRating(lines.slice(footerStart)),
  };
}

const MAX_HEADLINE_LENGTH = 300;
const SNIFF_LENGTH = 4096;

/**
 * Cheap format sniffing: a short headline line, a blank line, then text. Rejects markup and
 * data formats (XML/HTML, JSON) and Markdown files (front matter or a "# " headline).
 */
export function looksLikeScrapedArticle(text: string): boolean {
  const head = text
    .slice(0, SNIFF_LENGTH)
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .trimStart();
  if (head.includes('\0') || /^(?:<|\{|\[\s*[[{"\]]|---\n|#{1,6} )/.test(head)) return false;
  return new RegExp(`^[^\\n]{1,${MAX_HEADLINE_LENGTH}}\\n[^\\S\\n]*\\n\\s*\\S`).test(head);
}
