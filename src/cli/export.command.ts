// `broadsheet export --format json|wxr [--output FILE]`: stdout by default.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Services } from '../deps.ts';
import { EXPORT_FORMATS, exportSite, type ExportFormat } from '../features/exporter/export.service.ts';
import { UsageError } from './usage-error.ts';

export async function exportCommand(services: Pick<Services, 'db' | 'config'>, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { format: { type: 'string' }, output: { type: 'string', short: 'o' } },
  });
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
    console.error(
      `Exported ${summary.articles} articles and pages with ${summary.comments} comments to ${values.output}.`,
    );
    return 0;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}
