// A feed's content rendered as RSS 2.0, Atom 1.0 or JSON Feed 1.1 with the `feed` package, and
// the few places where its output needs help:
// - Atom titles and summaries are written as `type="html"`, so plain text is escaped as HTML;
// - xml-js escapes only quotes in attribute values, so a `<` in an Atom category term is put in
//   afterwards;
// - RSS `<author>` is meant to be an e-mail address: the name goes in `dc:creator` instead;
// - `json1()` writes JSON Feed 1.0, which is rewritten as 1.1 (`authors`, `language`).
import { Feed, type Item } from 'feed';
import { textToHtml, xmlSafe } from '../../lib/xml.ts';
import { FEED_FILES, type FeedFormat } from './feed-links.ts';

export interface FeedEntry {
  title: string;
  /** Absolute; also the entry's stable id. */
  url: string;
  published: Date;
  updated: Date;
  /** Plain text. */
  summary: string;
  /** Sanitised HTML with absolute URLs. */
  contentHtml: string;
  author: string;
  categories: string[];
  /** The featured image's absolute URL (an enclosure in RSS and Atom, `image` in JSON Feed). */
  image?: string;
}

export interface FeedContent {
  title: string;
  description: string;
  /** The absolute URL of the HTML page the feed follows. */
  link: string;
  /** The absolute URL the three files live under (`https://site/sections/world`). */
  base: string;
  siteTitle: string;
  language: string;
  entries: FeedEntry[];
  /** When the feed has no entries. */
  fallbackUpdated: Date;
}

export interface RenderedFeed {
  body: string;
  type: string;
}

// A character no text contains (stripped from the input), standing for `<` in attribute values.
const LT = '\uE000';

export function renderFeed(content: FeedContent, format: FeedFormat): RenderedFeed {
  const updated =
    content.entries.reduce<Date | undefined>(
      (newest, e) => (newest && newest >= e.updated ? newest : e.updated),
      undefined,
    ) ?? content.fallbackUpdated;
  const self = (f: FeedFormat) => `${content.base}/${FEED_FILES[f].file}`;
  const feed = new Feed({
    id: self('atom'),
    title: xmlSafe(content.title),
    description: xmlSafe(content.description),
    link: content.link,
    language: content.language,
    updated,
    generator: 'Broadsheet',
    feedLinks: { rss: self('rss'), atom: self('atom'), json: self('json') },
    // Atom needs an author for the feed or for every entry: the publication stands in.
    author: { name: xmlSafe(content.siteTitle) },
  });
  for (const entry of content.entries) feed.addItem(ITEM[format](entry));
  const type = `${FEED_FILES[format].type}; charset=utf-8`;
  if (format === 'rss') return { body: feed.rss2(), type };
  if (format === 'atom') return { body: feed.atom1().replaceAll(LT, '&lt;'), type };
  return { body: toJsonFeed11(feed.json1(), content.language), type };
}

const common = (e: FeedEntry) => ({
  link: e.url,
  date: e.updated,
  published: e.published,
  content: e.contentHtml,
  image: e.image,
});

const ITEM: Record<FeedFormat, (e: FeedEntry) => Item> = {
  rss: (e) => ({
    ...common(e),
    // No id: the guid is then the link, marked as a permalink.
    title: e.title,
    description: e.summary ? textToHtml(e.summary) : undefined,
    category: e.categories.map((name) => ({ name })),
    extensions: e.author ? [{ name: 'dc:creator', objects: { _text: e.author } }] : undefined,
  }),
  atom: (e) => ({
    ...common(e),
    id: e.url,
    title: textToHtml(e.title),
    description: e.summary ? textToHtml(e.summary) : undefined,
    author: e.author ? [{ name: e.author }] : undefined,
    category: e.categories.map((name) => ({ term: name.replaceAll(LT, '').replaceAll('<', LT) })),
  }),
  json: (e) => ({
    ...common(e),
    id: e.url,
    title: e.title,
    description: e.summary || undefined,
    author: e.author ? [{ name: e.author }] : undefined,
    category: e.categories.map((name) => ({ name })),
  }),
};

interface JsonFeedAuthor {
  name?: string;
  url?: string;
  avatar?: string;
}

/** JSON Feed 1.0 as `feed` writes it, made 1.1: `author` becomes `authors`, and `language` is set. */
function toJsonFeed11(json: string, language: string): string {
  const feed = JSON.parse(json) as Record<string, unknown> & {
    author?: JsonFeedAuthor;
    items: (Record<string, unknown> & { author?: JsonFeedAuthor })[];
  };
  const { author, items, ...rest } = feed;
  return JSON.stringify({
    ...rest,
    version: 'https://jsonfeed.org/version/1.1',
    language,
    ...(author && { authors: [author] }),
    items: items.map(({ author: itemAuthor, ...item }) => ({ ...item, ...(itemAuthor && { authors: [itemAuthor] }) })),
  });
}
