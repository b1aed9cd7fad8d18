// `broadsheet import [--create-articles] [--uploads DIR] FILE…`: each file's format is told by its
// content. A scraped article prints its URL; a site export shows a progress bar, then its report.
// Exits non-zero when a file could not be imported at all.
import { parseArgs } from 'node:util';
import type { Services } from '../app.ts';
import { formatReport, ImportError, importedAnything } from '../features/importer/import-report.ts';
import { importSite } from '../features/importer/import.service.ts';
import { createProgressBar } from './progress-bar.ts';
import { UsageError } from './usage-error.ts';

export function parseImportArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { uploads: { type: 'string' }, 'create-articles': { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UsageError('import needs at least one FILE');
  return { files: positionals, uploadsDir: values.uploads, createArticles: values['create-articles'] === true };
}

export async function importCommand(services: Services, args: string[]): Promise<number> {
  const { files, uploadsDir, createArticles } = parseImportArgs(args);
  let failed = 0;
  for (const file of files) {
    const bar = createProgressBar();
    try {
      const report = await importSite(services, file, {
        uploadsDir,
        createArticles,
        onProgress: (step, done, total, finished) => (finished ? bar.finish(step, done, total) : bar.update(step, done, total)),
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
