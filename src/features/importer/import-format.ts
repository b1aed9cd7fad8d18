// What every import format is: how it is told apart, how it runs, and what it is given. Kept
// apart from import.service.ts, which lists the formats, so that a format does not import its list.
import type { Services } from '../../deps.ts';
import type { ImportReport } from './import-report.ts';
import type { ImportSource } from './import-source.ts';

/** The services an import uses. */
export type ImportDeps = Pick<Services, 'db' | 'events' | 'config' | 'settings' | 'articles'>;

/** What the scraped text does not say, given on the command line; absent, left empty (the date: now). */
export interface ArticleDetails {
  /** ISO-8601. */
  publishedAt?: string;
  section?: string;
  byline?: string;
}

export interface ImportOptions {
  /** A copy of wp-content/uploads: featured images are read from it (nothing is fetched). */
  uploadsDir?: string;
  /** Disqus: a thread with no matching article becomes a draft article holding its comments. */
  createArticles?: boolean;
  /** For a scraped article (one article a file): what the text itself does not say. */
  article?: ArticleDetails;
  /** Progress of a step (`done` of `total`, in the step's own unit); `finished` on its last call. */
  onProgress?(step: string, done: number, total: number, finished?: boolean): void;
}

export interface ImportFormat {
  name: string;
  detect(source: ImportSource): boolean;
  run(services: ImportDeps, source: ImportSource, options: ImportOptions): Promise<ImportReport>;
}
