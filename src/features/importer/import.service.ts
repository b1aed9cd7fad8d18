// Imports articles from files, detecting each file's format.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Services } from '../../app.ts';
import { articlePath } from '../articles/article.model.ts';
import { looksLikeScrapedArticle, parseScrapedArticle } from './scraped-article.parser.ts';

export interface ImportResult {
  file: string;
  url: string;
  title: string;
  created: boolean;
}

export class ImportError extends Error {}

export async function importFile({ articles, config }: Pick<Services, 'articles' | 'config'>, file: string): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ImportError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!looksLikeScrapedArticle(text)) throw new ImportError(`${file}: not a format Broadsheet can import (expected a scraped article: headline, paragraphs, optional Reviews footer)`);
  const scraped = parseScrapedArticle(text);
  const { article, created } = await articles.upsert({
    title: scraped.title,
    bodyMarkdown: scraped.bodyMarkdown,
    // The file's name identifies it, so importing it again updates the same article.
    importKey: `scraped:${basename(file, extname(file))}`,
    ratingBaseline: scraped.rating ? { sum: scraped.rating.score * scraped.rating.count, count: scraped.rating.count } : undefined,
  });
  return { file, url: config.publicUrl + articlePath(article.slug), title: article.title, created };
}
