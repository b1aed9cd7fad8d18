// Imports files, telling each one's format by its content (never its name): a list of formats,
// each with a `detect` over the file's first 64 KB and a `run` that streams it. To add a format,
// write its ImportFormat and put it in FORMATS (most specific first).
import { ImportError, type ImportReport } from './import-report.ts';
import { openSource, type ImportSource } from './import-source.ts';
import type { ImportDeps, ImportFormat, ImportOptions } from './import-format.ts';
import { importScrapedArticle, scrapedFormat, type ImportResult } from './scraped-article-import.ts';
import { disqusFormat } from './disqus-import.ts';
import { jsonFormat } from './json-import.ts';
import { wxrFormat } from './wxr-import.ts';

export const FORMATS: ImportFormat[] = [wxrFormat, disqusFormat, jsonFormat, scrapedFormat];

/** Imports one file of any known format; throws ImportError (one line) when it cannot. */
export async function importSite(
  services: ImportDeps,
  file: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const source = await openSource(file);
  const format = FORMATS.find((f) => f.detect(source));
  if (!format) throw new ImportError(`${file}: ${describeUnknown(source)}`);
  if (format !== scrapedFormat && options.article && Object.values(options.article).some((v) => v !== undefined)) {
    throw new ImportError(
      `${file}: --published-at, --section and --byline are for a scraped article, and this is a ${format.name}`,
    );
  }
  return format.run(services, source, options);
}

function describeUnknown(source: ImportSource): string {
  const head = source.head.replace(/^\uFEFF/, '').trimStart();
  const expected = 'expected a WordPress export (WXR), a Disqus export, a Broadsheet JSON export or a scraped article';
  if (head.includes('\u0000') || /[\u0001-\u0008\u000E-\u001F]/.test(head.slice(0, 512)))
    return `not a format Broadsheet can import: binary data (${expected})`;
  if (/^<\?xml|^</.test(head)) {
    const root = /<([A-Za-z_][\w:.-]*)[\s>]/.exec(
      head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, ''),
    )?.[1];
    if (root === 'rss' && /generator>https?:\/\/wordpress\.(?:org|com)/.test(head))
      return (
        'a WordPress RSS file without wp:wxr_version is not an export WordPress can make; export it again from ' +
        'Tools → Export'
      );
    return `not a format Broadsheet can import: XML whose root is <${root ?? '?'}> (${expected})`;
  }
  return `not a format Broadsheet can import (${expected})`;
}

/** Imports one scraped article (the seed's format) and returns its URL: what tests and demo content use. */
export function importFile(services: Pick<ImportDeps, 'articles' | 'config'>, file: string): Promise<ImportResult> {
  return importScrapedArticle(services, file);
}

export { ImportError, type ImportDeps, type ImportOptions, type ImportReport, type ImportResult };
