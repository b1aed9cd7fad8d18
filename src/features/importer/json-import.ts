// Reads back our own JSON export (docs/EXPORT.md; told by its "format" field). The export puts one
// article per line, so it is read a line at a time and written in batches, each in one transaction
// (an article with its tags, old addresses, comments and ratings is never half-written). Import
// keys make a second import update what the first made: an article keeps the key it had (a
// WordPress or scraped import's), else gets `broadsheet:<site>:<id>`; comments likewise.
// Settings are applied; staff accounts are listed, not created (they have no password here).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { renderArticleMarkdown, renderCommentMarkdown } from '../../lib/markdown.ts';
import { nowIso, slugify } from '../../lib/text.ts';
import * as articleRepo from '../articles/article.repository.ts';
import { articlePath } from '../articles/article.model.ts';
import type { ArticleKind, ArticleStatus } from '../articles/article.table.ts';
import type { CommentStatus } from '../comments/comment.table.ts';
import {
  JSON_EXPORT_FORMAT,
  JSON_EXPORT_VERSION,
  type ExportedArticle,
  type ExportHeader,
} from '../exporter/json-export.ts';
import { DEFAULT_SETTINGS, type Settings } from '../settings/settings.service.ts';
import { bodyHash } from '../spam/content-rules.ts';
import { addUrl, count, createReport, ImportError, note, type ImportReport } from './import-report.ts';
import type { ImportSource } from './import-source.ts';
import * as repo from './import.repository.ts';
import type { ImportDeps, ImportFormat, ImportOptions } from './import-format.ts';
import { siteKey } from './wxr-parser.ts';

export const jsonFormat: ImportFormat = {
  name: 'Broadsheet JSON',
  detect: (source) => /^\s*\{\s*"format"\s*:\s*"broadsheet-export"/.test(source.head.replace(/^\uFEFF/, '')),
  run: importJson,
};

const KINDS: readonly string[] = ['article', 'page', 'external'];
const STATUSES: readonly string[] = ['draft', 'scheduled', 'published'];
const COMMENT_STATUSES: readonly string[] = ['pending', 'approved', 'spam', 'trash'];
/** Beyond this size a file not laid out one article per line is refused rather than read whole. */
const MAX_WHOLE_DOCUMENT = 256 * 1024 * 1024;
const BATCH_ARTICLES = 100;
const BATCH_COMMENTS = 5000;

/** The file's lines, decoded, one at a time. */
async function* lines(source: ImportSource, onBytes: (read: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of source.chunks(onBytes)) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf('\n')) !== -1) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
  }
  rest += decoder.decode();
  if (rest) yield rest;
}

/** The header and then each article, from the line layout, or from the whole document when it was reformatted. */
async function* readExport(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<ExportHeader | ExportedArticle> {
  const onBytes = (read: number) => options.onProgress?.('importing', read, source.size);
  const it = lines(source, onBytes);
  const first = (await it.next()).value?.replace(/^\uFEFF/, '') ?? '';
  let header: ExportHeader | undefined;
  try {
    header = JSON.parse(`${first.replace(/,\s*$/, '')}}`) as ExportHeader;
  } catch {
    header = undefined;
  }
  if (header) {
    yield header;
    let closed = false;
    let n = 1;
    for await (const raw of it) {
      n++;
      const line = raw.trim();
      if (line === '' || line === '"articles":[') continue;
      if (line === ']}') {
        closed = true;
        continue;
      }
      let article: ExportedArticle;
      try {
        article = JSON.parse(line.replace(/,$/, '')) as ExportedArticle;
      } catch {
        throw new ImportError(
          `${source.file}: line ${n} is not an article of a Broadsheet export (damaged or cut short)`,
        );
      }
      yield article;
    }
    if (!closed)
      throw new ImportError(
        `${source.file}: the export ends early (cut short?); the articles before the cut were imported`,
      );
    return;
  }
  if (source.size > MAX_WHOLE_DOCUMENT)
    throw new ImportError(
      `${source.file}: a reformatted export larger than 256 MB cannot be read; use the file as 'broadsheet ` +
        `export' wrote it`,
    );
  let text = first + '\n';
  for await (const line of it) text += line + '\n';
  let whole: ExportHeader & { articles?: ExportedArticle[] };
  try {
    whole = JSON.parse(text) as typeof whole;
  } catch (error) {
    throw new ImportError(`${source.file}: not valid JSON (${(error as Error).message}); nothing was imported`);
  }
  const { articles = [], ...rest } = whole;
  yield rest;
  yield* articles;
}

async function importJson(services: ImportDeps, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
  const report = createReport(source.file, 'Broadsheet JSON');
  let site = 'unknown-site';
  let batch: ExportedArticle[] = [];
  let batchComments = 0;
  let headerSeen = false;
  const flush = async () => {
    if (batch.length === 0) return;
    const articles = batch;
    batch = [];
    batchComments = 0;
    await writeBatch(services, articles, site, report);
  };
  for await (const item of readExport(source, options)) {
    if (!headerSeen) {
      headerSeen = true;
      const header = item as ExportHeader;
      if (header.format !== JSON_EXPORT_FORMAT) throw new ImportError(`${source.file}: not a Broadsheet export`);
      if (header.version !== JSON_EXPORT_VERSION)
        throw new ImportError(
          `${source.file}: export format version ${header.version} is not supported (this version reads ` +
            `${JSON_EXPORT_VERSION})`,
        );
      site = siteKey(header.site?.url ?? '');
      await applySettings(services, header, report);
      for (const s of header.staff ?? [])
        note(
          report,
          `staff account ${s.email} (${s.role})`,
          'not created (an export holds no passwords): add it with broadsheet user add',
        );
      continue;
    }
    const article = item as ExportedArticle;
    batch.push(article);
    batchComments += article.comments?.length ?? 0;
    if (batch.length >= BATCH_ARTICLES || batchComments >= BATCH_COMMENTS) await flush();
  }
  await flush();
  options.onProgress?.('importing', source.size, source.size, true);
  return report;
}

async function applySettings(services: ImportDeps, header: ExportHeader, report: ImportReport): Promise<void> {
  const changes: Partial<Record<keyof Settings, unknown>> = {};
  for (const [key, value] of Object.entries(header.settings ?? {})) {
    if (!(key in DEFAULT_SETTINGS)) continue;
    if (typeof value !== typeof DEFAULT_SETTINGS[key as keyof Settings]) continue;
    changes[key as keyof Settings] = value;
  }
  if (Object.keys(changes).length === 0) return;
  await services.settings.update(changes as Partial<Settings>);
  count(report, 'updated.setting', Object.keys(changes).length);
}

/** Depth of each comment in its thread, from the parents in the export (a missing parent makes it top-level). */
function commentDepths(comments: ExportedArticle['comments']): Map<number, number> {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const depth = new Map<number, number>();
  const depthOf = (id: number, seen = new Set<number>()): number => {
    if (depth.has(id)) return depth.get(id)!;
    const parent = byId.get(id)?.parentId;
    const d = parent != null && byId.has(parent) && !seen.has(parent) ? depthOf(parent, seen.add(id)) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  for (const c of comments) depthOf(c.id);
  return depth;
}

async function writeBatch(
  services: ImportDeps,
  articles: ExportedArticle[],
  site: string,
  report: ImportReport,
): Promise<void> {
  const { db, events, config } = services;
  const keyOf = (a: ExportedArticle) => a.importKey || `broadsheet:${site}:${a.id}`;
  const commentKey = (c: ExportedArticle['comments'][number]) => c.importKey || `broadsheet:${site}:comment:${c.id}`;
  const valid = articles.filter((a) => {
    const ok =
      typeof a?.id === 'number' &&
      typeof a.title === 'string' &&
      typeof a.bodyMarkdown === 'string' &&
      STATUSES.includes(a.status) &&
      KINDS.includes(a.kind ?? 'article');
    if (!ok) {
      count(report, 'skipped.invalid');
      note(report, `article ${a?.id ?? '?'}`, 'skipped: it lacks a title, body, status or kind');
    }
    return ok;
  });
  const touched: { id: number; slug: string; kind: string; created: boolean }[] = [];
  await db.transaction().execute(async (trx) => {
    const existing = await repo.findArticlesByImportKeys(trx, valid.map(keyOf));
    const taken = await repo.takenSlugs(
      trx,
      valid.filter((a) => !existing.has(keyOf(a))).map((a) => a.slug),
    );
    for (const a of valid) {
      const key = keyOf(a);
      const found = existing.get(key);
      const now = nowIso();
      const baseline = {
        sum: Math.max(0, Math.round(a.rating?.baselineSum ?? 0)),
        count: Math.max(0, Math.round(a.rating?.baselineCount ?? 0)),
      };
      const fields = {
        kind: (a.kind ?? 'article') as ArticleKind,
        title: a.title.slice(0, 300),
        standfirst: a.standfirst ?? '',
        body_markdown: a.bodyMarkdown,
        body_html: renderArticleMarkdown(a.bodyMarkdown),
        author_name: a.authorName ?? '',
        section: a.section ?? '',
        status: a.status as ArticleStatus,
        published_at: a.publishedAt ?? null,
        updated_at: a.updatedAt ?? now,
        update_note: a.updateNote ?? '',
        comments_open: a.commentsOpen === false ? 0 : 1,
        review_type: a.review?.type ?? '',
        review_name: a.review?.name ?? '',
        review_rating: a.review?.rating ?? null,
        menu_order: Number.isInteger(a.menuOrder) ? a.menuOrder : 0,
        rating_baseline_sum: baseline.sum,
        rating_baseline_count: baseline.count,
      };
      let id: number;
      let slug: string;
      if (found) {
        id = found.id;
        slug = found.slug;
        await articleRepo.updateArticle(trx, id, fields);
      } else {
        const wanted = slugify(a.slug || a.title) || `article-${a.id}`;
        slug = wanted;
        for (let n = 2; taken.has(slug) || (n > 2 && (await articleRepo.slugExists(trx, slug))); n++)
          slug = `${wanted}-${n}`;
        if (slug !== a.slug)
          note(
            report,
            `article ${a.id} “${a.title.slice(0, 60)}”`,
            `its address /${a.slug} was taken: it is at ${slug}`,
          );
        taken.add(slug);
        id = await articleRepo.insertArticle(trx, {
          ...fields,
          slug,
          import_key: key,
          created_at: a.createdAt ?? now,
          author_id: null,
          featured_image: null,
          submitted_at: null,
        });
      }
      if (a.featuredImage && !found)
        note(
          report,
          `article ${a.id} “${a.title.slice(0, 60)}”`,
          'its featured image is not in a JSON export (a backup holds the media)',
        );
      count(report, `${found ? 'updated' : 'created'}.${fields.kind}`);
      touched.push({ id, slug, kind: fields.kind, created: !found });
      if (fields.kind === 'article')
        await articleRepo.replaceTags(trx, id, [
          ...new Set((a.tags ?? []).filter((t) => typeof t === 'string' && t.trim())),
        ]);
      if (a.legacyPaths?.length) {
        await repo.saveLegacyPaths(
          trx,
          a.legacyPaths.map((path) => ({ path, article_id: id })),
        );
        count(report, `${found ? 'updated' : 'created'}.redirect`, a.legacyPaths.length);
      }
      await writeComments(trx, id, a, commentKey, report);
      await writeRatings(trx, id, a);
    }
    await repo.recountComments(
      trx,
      touched.map((t) => t.id),
    );
  });
  for (const t of touched) {
    events.emit('article.changed', { articleId: t.id });
    if (t.created && t.kind !== 'external')
      addUrl(report, config.publicUrl + (t.kind === 'page' ? `/pages/${t.slug}` : articlePath(t.slug)));
  }
}

async function writeComments(
  trx: Kysely<Database>,
  articleId: number,
  a: ExportedArticle,
  keyOf: (c: ExportedArticle['comments'][number]) => string,
  report: ImportReport,
): Promise<void> {
  const comments = (a.comments ?? []).filter(
    (c) => typeof c?.id === 'number' && typeof c.bodyMarkdown === 'string' && COMMENT_STATUSES.includes(c.status),
  );
  if (comments.length < (a.comments ?? []).length)
    count(report, 'skipped.comment', (a.comments ?? []).length - comments.length);
  if (comments.length === 0) return;
  const depth = commentDepths(comments);
  const known = await repo.findCommentsByImportKeys(trx, comments.map(keyOf));
  const keyById = new Map(comments.map((c) => [c.id, keyOf(c)]));
  const levels: repo.ImportedCommentRow[][] = [];
  const parentKeyOf = new Map<string, string | null>();
  for (const c of comments) {
    const key = keyOf(c);
    const parentKey = c.parentId != null ? (keyById.get(c.parentId) ?? null) : null;
    parentKeyOf.set(key, parentKey);
    const row = {
      article_id: articleId,
      parent_id: null as number | null,
      depth: depth.get(c.id) ?? 0,
      author_name: (c.authorName || 'Anonymous').slice(0, 100),
      author_email: (c.authorEmail ?? '').slice(0, 254),
      author_url: c.authorUrl ?? null,
      body_markdown: c.bodyMarkdown,
      body_html: renderCommentMarkdown(c.bodyMarkdown),
      status: c.status as CommentStatus,
      body_hash: bodyHash(c.bodyMarkdown),
      ip_hash: 'import',
      user_agent: '',
      created_at: c.createdAt,
      updated_at: c.updatedAt ?? c.createdAt,
      import_key: key,
    };
    const id = known.get(key);
    if (id !== undefined) {
      const {
        depth: d,
        author_name,
        author_email,
        author_url,
        body_markdown,
        body_html,
        status,
        created_at,
        body_hash,
      } = row;
      await repo.updateImportedComment(trx, id, {
        parent_id: parentKey ? (known.get(parentKey) ?? null) : null,
        depth: d,
        author_name,
        author_email,
        author_url,
        body_markdown,
        body_html,
        status,
        created_at,
        body_hash,
      });
      count(report, 'updated.comment');
    } else (levels[row.depth] ??= []).push(row);
  }
  for (const level of levels) {
    if (!level) continue;
    for (const row of level) {
      const parentKey = parentKeyOf.get(row.import_key);
      row.parent_id = parentKey ? (known.get(parentKey) ?? null) : null;
    }
    for (const [key, id] of await repo.insertComments(trx, level)) known.set(key, id);
    count(report, 'created.comment', level.length);
  }
}

/**
 * Readers' ratings (one per reader; a reader already counted keeps theirs), then the totals and bands recounted from
 * the rows.
 */
async function writeRatings(trx: Kysely<Database>, articleId: number, a: ExportedArticle): Promise<void> {
  const ratings = (a.ratings ?? []).filter(
    (r) => typeof r?.readerId === 'string' && Number.isInteger(r.value) && r.value >= 0 && r.value <= 100,
  );
  for (let i = 0; i < ratings.length; i += 1000) {
    await trx
      .insertInto('ratings')
      .values(
        ratings.slice(i, i + 1000).map((r) => ({
          article_id: articleId,
          reader_id: r.readerId,
          value: r.value,
          ip_hash: 'import',
          created_at: r.createdAt,
          updated_at: r.updatedAt ?? r.createdAt,
        })),
      )
      .onConflict((oc) => oc.columns(['article_id', 'reader_id']).doNothing())
      .execute();
  }
  const rows = await trx.selectFrom('ratings').select('value').where('article_id', '=', articleId).execute();
  const bands = [0, 0, 0, 0, 0];
  for (const { value } of rows) bands[value <= 20 ? 0 : Math.min(4, Math.ceil(value / 20) - 1)]! += 1;
  await trx
    .updateTable('articles')
    .set((eb) => ({
      rating_sum: eb(
        'rating_baseline_sum',
        '+',
        rows.reduce((s, r) => s + r.value, 0),
      ),
      rating_count: eb('rating_baseline_count', '+', rows.length),
      rating_band_1: bands[0]!,
      rating_band_2: bands[1]!,
      rating_band_3: bands[2]!,
      rating_band_4: bands[3]!,
      rating_band_5: bands[4]!,
    }))
    .where('id', '=', articleId)
    .execute();
}
