// The scraped-article format (a headline, paragraphs, optionally the site's Reviews footer), one
// article per file, matched on re-import by the file's name.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { articlePath } from '../articles/article.model.ts';
import { addUrl, count, createReport, ImportError } from './import-report.ts';
import type { ArticleDetails, ImportDeps, ImportFormat } from './import-format.ts';
import { looksLikeScrapedArticle, parseScrapedArticle, ScrapedArticleError } from './scraped-article-parser.ts';

export interface ImportResult {
  file: string;
  url: string;
  title: string;
  created: boolean;
}

/** A scraped article is a page of text: anything much larger is something else. */
const MAX_SCRAPED_BYTES = 5 * 1024 * 1024;

export async function importScrapedArticle(
  { articles, config }: Pick<ImportDeps, 'articles' | 'config'>,
  file: string,
  details: ArticleDetails = {},
): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ImportError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!looksLikeScrapedArticle(text))
    throw new ImportError(
      `${file}: not a format Broadsheet can import (expected a scraped article: headline, paragraphs, ` +
        `optional Reviews footer)`,
    );
  let scraped;
  try {
    scraped = parseScrapedArticle(text);
  } catch (error) {
    if (error instanceof ScrapedArticleError) throw new ImportError(`${file}: ${error.message}`);
    throw error;
  }
  const { article, created } = await articles.upsert({
    title: scraped.title,
    bodyMarkdown: scraped.bodyMarkdown,
    // Without a byline the pages name the publication as its author (article-page.views.tsx).
    authorName: details.byline,
    section: details.section,
    publishedAt: details.publishedAt,
    // The file's name identifies it, so importing it again updates the same article.
    importKey: `scraped:${basename(file, extname(file))}`,
    ratingBaseline: scraped.rating
      ? { sum: scraped.rating.score * scraped.rating.count, count: scraped.rating.count }
      : undefined,
  });
  // Only PUBLIC_URL says where the site is: without it, the server may be on another port than
  // this process would guess, so the address is given from the site's root.
  return {
    file,
    url: (config.publicUrlGiven ? config.publicUrl : '') + articlePath(article.slug),
    title: article.title,
    created,
  };
}

export const scrapedFormat: ImportFormat = {
  name: 'scraped article',
  // Plain text, not compressed, not markup, small.
  detect: (source) =>
    !source.gzip &&
    source.size <= MAX_SCRAPED_BYTES &&
    !/^\s*</.test(source.head) &&
    !source.head.includes('\u0000') &&
    looksLikeScrapedArticle(source.head),
  async run(services, source, options) {
    const result = await importScrapedArticle(services, source.file, options.article);
    const report = createReport(source.file, 'scraped article');
    count(report, `${result.created ? 'created' : 'updated'}.article`);
    addUrl(report, result.url);
    return report;
  },
};
