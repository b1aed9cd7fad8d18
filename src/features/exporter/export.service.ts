// Exports the whole site (JSON or WXR) from one snapshot, written as it is read, to any stream.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Services } from '../../deps.ts';
import { withSnapshot } from '../../db/snapshot.ts';
import { writeJsonExport, type Write } from './json-export.ts';
import { writeWxrExport } from './wxr-export.ts';

export const EXPORT_FORMATS = ['json', 'wxr'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportSummary {
  articles: number;
  comments: number;
}

/** Writes the export to `out` (waiting whenever it is full); does not end it. */
export async function exportSite(
  { db, config }: Pick<Services, 'db' | 'config'>,
  format: ExportFormat,
  out: Writable,
): Promise<ExportSummary> {
  const write: Write = async (chunk) => {
    if (out.destroyed) throw new Error('the output was closed');
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  const site = { url: config.publicUrl };
  return withSnapshot(db, config.database, (trx) =>
    format === 'json' ? writeJsonExport(trx, site, write) : writeWxrExport(trx, site, write),
  );
}
