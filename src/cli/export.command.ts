// `broadsheet export --format json|wxr [--output FILE]`: stdout by default.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Services } from '../app.ts';
import { EXPORT_FORMATS, exportSite, type ExportFormat } from '../features/exporter/export.service.ts';
import { UsageError } from './usage-error.ts';

export const EXPORT_HELP = `Usage: broadsheet export --format json|wxr [--output FILE]

Writes the whole site to FILE (or to standard output), read in one consistent snapshot, so it
can run while the site serves.

  --format json   every article, static page, comment (threading, status), rating, tag,
                  section, setting and staff account (without password hashes or sessions), as
                  documented in docs/EXPORT.md; 'broadsheet import' reads it back
  --format wxr    WordPress eXtended RSS 1.2 for WordPress's importer (Tools → Import →
                  WordPress): articles as posts, static pages as pages, sections as categories,
                  tags, comments with threading and status, readers' scores as WP Review meta

Both contain readers' and staff e-mail addresses: keep the file private.`;

export async function exportCommand(services: Services, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { format: { type: 'string' }, output: { type: 'string', short: 'o' } } });
  const format = values.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) throw new UsageError('export needs --format json or --format wxr');
  if (!values.output) {
    const summary = await exportSite(services, format, process.stdout);
    console.error(`Exported ${summary.articles} articles and pages with ${summary.comments} comments.`);
    return 0;
  }
  // Written under a temporary name and renamed when complete, so FILE is never half a site.
  const temp = `${values.output}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  try {
    const summary = await exportSite(services, format, out);
    out.end();
    await finished(out);
    await rename(temp, values.output);
    console.error(`Exported ${summary.articles} articles and pages with ${summary.comments} comments to ${values.output}.`);
    return 0;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}
