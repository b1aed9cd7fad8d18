// `broadsheet import [--create-articles] [--uploads DIR] [--published-at DATE] [--section NAME]
// [--byline NAME] FILE…`: each file's format is told by its content. A scraped article prints its
// URL (its path, without PUBLIC_URL); a site export shows a progress bar, then its report.
// Exits non-zero when a file could not be imported at all.
import { parseArgs } from 'node:util';
import { formatReport, ImportError, importedAnything } from '../features/importer/import-report.ts';
import { importSite, type ImportDeps } from '../features/importer/import.service.ts';
import { createProgressBar } from './progress-bar.ts';
import { UsageError } from './usage-error.ts';

export function parseImportArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      uploads: { type: 'string' },
      'create-articles': { type: 'boolean' },
      'published-at': { type: 'string' },
      section: { type: 'string' },
      byline: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('import needs at least one FILE');
  const article = {
    publishedAt: values['published-at'] === undefined ? undefined : parsePublishedAt(values['published-at']),
    section: nonEmpty('--section', values.section),
    byline: nonEmpty('--byline', values.byline),
  };
  return {
    files: positionals,
    uploadsDir: values.uploads,
    createArticles: values['create-articles'] === true,
    article,
  };
}

/** A date (2024-04-14, midnight UTC) or a date and time with its offset; not in the future. */
function parsePublishedAt(value: string): string {
  const time = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/.test(value.trim())
    ? Date.parse(value.trim().replace(' ', 'T'))
    : NaN;
  if (Number.isNaN(time))
    throw new UsageError(`--published-at "${value}" is not a date such as 2024-04-14 or 2024-04-14T09:30:00Z`);
  if (time > Date.now())
    throw new UsageError(`--published-at ${value} is in the future; to schedule an article, use the editor`);
  return new Date(time).toISOString();
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 200) throw new UsageError(`${option} needs a name of 1 to 200 characters`);
  return trimmed;
}

export async function importCommand(services: ImportDeps, args: string[]): Promise<number> {
  const { files, uploadsDir, createArticles, article } = parseImportArgs(args);
  let failed = 0;
  for (const file of files) {
    const bar = createProgressBar();
    try {
      const report = await importSite(services, file, {
        uploadsDir,
        createArticles,
        article,
        onProgress: (step, done, total, finished) =>
          finished ? bar.finish(step, done, total) : bar.update(step, done, total),
      });
      if (report.format === 'scraped article') {
        for (const url of report.urls) console.log(url);
        if (files.length > 1) console.error(`${report.counts['created.article'] ? 'created' : 'updated'}: ${file}`);
      } else {
        for (const line of formatReport(report)) console.log(line);
      }
      if (!importedAnything(report)) failed++;
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      console.error(`broadsheet: ${error.message}`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}
