// Where the feeds live, for the routes that serve them and the <link rel="alternate"> tags that
// announce them in every page's head (feed autodiscovery). Each feed comes as RSS 2.0, Atom and
// JSON Feed; the site's are linked from every page, a section's from its archive and articles,
// an article's comments from the article.
import { articlePath, sectionPath } from '../articles/article.model.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface FeedLink {
  title: string;
  href: string;
  type: string;
}

export const FEED_FILES: Record<FeedFormat, { file: string; type: string; label: string }> = {
  rss: { file: 'feed.xml', type: 'application/rss+xml', label: 'RSS' },
  atom: { file: 'atom.xml', type: 'application/atom+xml', label: 'Atom' },
  json: { file: 'feed.json', type: 'application/feed+json', label: 'JSON Feed' },
};

/** The three feeds under `base` ('' for the site, `/sections/world`…), titled "<title> (RSS)" etc. */
export function feedLinks(base: string, title: string): FeedLink[] {
  return Object.values(FEED_FILES).map(({ file, type, label }) => ({
    title: `${title} (${label})`,
    href: `${base}/${file}`,
    type,
  }));
}

export const siteFeeds = (siteTitle: string): FeedLink[] => feedLinks('', siteTitle);

export const sectionFeeds = (section: string, siteTitle: string): FeedLink[] =>
  feedLinks(sectionPath(section), `${section} — ${siteTitle}`);

export const commentFeeds = (slug: string, articleTitle: string): FeedLink[] =>
  feedLinks(`${articlePath(slug)}/comments`, `Comments on “${articleTitle}”`);
