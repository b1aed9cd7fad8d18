// What an import did, kept as it goes and printed at the end: counts of what was created,
// updated and skipped, and one line per item skipped or not fully brought in, with why.

/** A file refused before anything was written (unreadable, another format, not well-formed…). */
export class ImportError extends Error {
  override name = 'ImportError';
}

export interface ImportNote {
  /** What the item is, as a person would find it in the file: "post 123 “Title”", "comment 45 on post 123". */
  item: string;
  reason: string;
}

export interface ImportReport {
  file: string;
  /** The format's name, e.g. 'wxr', 'scraped'. */
  format: string;
  /** Counts by kind and outcome, e.g. created.article, updated.comment, skipped.pingback. */
  counts: Record<string, number>;
  /** Items skipped, and things not brought in (a featured image without --uploads), each with why. */
  notes: ImportNote[];
  /** URLs of what was made or updated (only kept for small imports, see MAX_URLS). */
  urls: string[];
}

/** Beyond this many notes, only their number is kept (a damaged file must not fill the memory). */
const MAX_NOTES = 1000;
const MAX_URLS = 100;

export function createReport(file: string, format: string): ImportReport {
  return { file, format, counts: {}, notes: [], urls: [] };
}

export function count(report: ImportReport, key: string, n = 1): void {
  report.counts[key] = (report.counts[key] ?? 0) + n;
}

export function note(report: ImportReport, item: string, reason: string): void {
  count(report, 'notes');
  if (report.notes.length < MAX_NOTES) report.notes.push({ item, reason });
}

/** Adds what another report (a part of the same import) counted and noted. */
export function mergeReport(report: ImportReport, part: ImportReport): void {
  for (const [key, n] of Object.entries(part.counts)) count(report, key, n);
  for (const item of part.notes) if (report.notes.length < MAX_NOTES) report.notes.push(item);
}

export function addUrl(report: ImportReport, url: string): void {
  if (report.urls.length < MAX_URLS) report.urls.push(url);
}

/** Whether the import wrote anything at all (created or updated something). */
export function importedAnything(report: ImportReport): boolean {
  return Object.entries(report.counts).some(
    ([key, n]) => (key.startsWith('created.') || key.startsWith('updated.') || key.startsWith('kept.')) && n > 0,
  );
}

const LABELS: Record<string, string> = {
  article: 'articles',
  page: 'pages',
  comment: 'comments',
  rating: 'rating baselines',
  image: 'featured images',
  redirect: 'old addresses',
  attachment: 'attachments',
  'menu item': 'menu items',
  revision: 'revisions',
  'other post type': 'items of other post types',
  'auto-draft': 'auto-drafts',
  trash: 'in the trash',
  invalid: 'unreadable items',
  pingback: 'pingbacks',
  thread: 'Disqus threads without an article',
  trackback: 'trackbacks',
  'visitor rating': 'WP Review visitor ratings (counted in the score)',
};

/** The report as lines of text for a terminal or a log. */
export function formatReport(report: ImportReport): string[] {
  const lines = [`${report.file}: ${report.format}`];
  const group = (outcome: string) =>
    Object.entries(report.counts)
      .filter(([key]) => key.startsWith(`${outcome}.`))
      .map(
        ([key, n]) =>
          `${n.toLocaleString('en')} ${LABELS[key.slice(outcome.length + 1)] ?? key.slice(outcome.length + 1)}`,
      );
  for (const outcome of ['created', 'updated', 'kept', 'skipped']) {
    const parts = group(outcome);
    if (parts.length > 0) lines.push(`  ${outcome === 'kept' ? 'already there' : outcome}: ${parts.join(', ')}`);
  }
  const notes = report.counts.notes ?? 0;
  if (notes > 0) {
    lines.push(`  ${notes.toLocaleString('en')} item${notes === 1 ? '' : 's'} to look at:`);
    for (const n of report.notes) lines.push(`    ${n.item}: ${n.reason}`);
    if (notes > report.notes.length) lines.push(`    … and ${(notes - report.notes.length).toLocaleString('en')} more`);
  }
  return lines;
}
