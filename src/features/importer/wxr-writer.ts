// Writes batches of prepared WordPress posts (wxr-prepare.ts): each batch in one transaction
// (articles or pages, their tags, old addresses, comments with their threading, reader-score
// baselines), then announces the changed articles. The conversion work is done before, in the
// import's worker thread, so the database is held only for the writes.
import { realpath, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { nowIso } from '../../lib/text.ts';
import * as articleRepo from '../articles/article.repository.ts';
import { createMediaStore } from '../media/media-store.ts';
import { articlePath } from '../articles/article.model.ts';
import { addUrl, count, note, type ImportReport } from './import-report.ts';
import type { ImportDeps } from './import-format.ts';
import * as repo from './import.repository.ts';
import type { ImportedCommentRow } from './import.repository.ts';
import type { PreparedPost } from './wxr-prepare.ts';

export interface WxrWriterOptions {
  report: ImportReport;
  uploadsDir?: string;
}

export async function createWxrWriter(services: ImportDeps, options: WxrWriterOptions) {
  const { db, events, config } = services;
  const { report } = options;
  const media = createMediaStore(config.mediaDir);
  const uploadsRoot = options.uploadsDir ? await realpath(options.uploadsDir).catch(() => undefined) : undefined;

  /** The featured image read from --uploads and stored like an upload; its key, or null. */
  async function bringImage(p: PreparedPost): Promise<string | null> {
    if (!p.imageFile) return null;
    if (!uploadsRoot) {
      count(report, 'skipped.image');
      note(
        report,
        p.label,
        `featured image ${p.imageFile} not brought in (run with --uploads DIR, a copy of wp-content/uploads)`,
      );
      return null;
    }
    try {
      const path = await realpath(join(uploadsRoot, p.imageFile));
      if (!path.startsWith(uploadsRoot + sep)) throw new Error('outside the uploads folder');
      const image = await media.process(await readFile(path));
      await media.write(image);
      return image.key;
    } catch (error) {
      count(report, 'skipped.image');
      note(
        report,
        p.label,
        `featured image ${p.imageFile} not brought in ` +
          `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
      return null;
    }
  }

  return {
    async write(prepared: PreparedPost[]): Promise<void> {
      if (prepared.length === 0) return;
      const now = nowIso();
      // Images are processed before the transaction (slow, and files are written whole anyway);
      // one already brought in by an earlier import of the same post is kept.
      const before = await repo.findArticlesByImportKeys(
        db,
        prepared.map((p) => p.key),
      );
      const images = new Map<string, string>();
      for (const p of prepared) {
        if (!p.imageFile || before.get(p.key)?.featured_image) continue;
        const key = await bringImage(p);
        if (key) images.set(p.key, key);
      }
      const touched: { id: number; slug: string; kind: string; created: boolean }[] = [];
      await db.transaction().execute(async (trx) => {
        const existing = await repo.findArticlesByImportKeys(
          trx,
          prepared.map((p) => p.key),
        );
        const taken = await repo.takenSlugs(
          trx,
          prepared.filter((p) => !existing.has(p.key)).map((p) => p.wantedSlug),
        );
        const ids = new Map<string, number>();
        const tags = new Map<number, string[]>();
        for (const p of prepared) {
          const found = existing.get(p.key);
          const baseline = p.baseline ?? { sum: 0, count: 0 };
          const image = images.get(p.key);
          let id: number;
          if (found) {
            id = found.id;
            await articleRepo.updateArticle(trx, id, {
              ...p.fields,
              kind: p.kind,
              ...(image ? { featured_image: image } : {}),
              rating_baseline_sum: baseline.sum,
              rating_baseline_count: baseline.count,
              rating_sum: found.rating_sum - found.rating_baseline_sum + baseline.sum,
              rating_count: found.rating_count - found.rating_baseline_count + baseline.count,
            });
            touched.push({ id, slug: found.slug, kind: p.kind, created: false });
          } else {
            let slug = p.wantedSlug;
            for (let n = 2; taken.has(slug) || (n > 2 && (await articleRepo.slugExists(trx, slug))); n++)
              slug = `${p.wantedSlug}-${n}`;
            taken.add(slug);
            id = await repo.insertArticle(trx, {
              ...p.fields,
              slug,
              kind: p.kind,
              import_key: p.key,
              featured_image: image ?? null,
              rating_baseline_sum: baseline.sum,
              rating_baseline_count: baseline.count,
              rating_sum: baseline.sum,
              rating_count: baseline.count,
              created_at: p.fields.published_at ?? now,
            });
            touched.push({ id, slug, kind: p.kind, created: true });
          }
          ids.set(p.key, id);
          if (image) count(report, 'created.image');
          if (p.baseline) count(report, `${found ? 'updated' : 'created'}.rating`);
          count(report, `${found ? 'updated' : 'created'}.${p.kind}`);
          if (p.kind === 'article') tags.set(id, p.tags);
        }
        await articleRepo.replaceTagsOf(trx, tags);
        await repo.saveLegacyPaths(
          trx,
          prepared.flatMap((p) => p.paths.map((path) => ({ path, article_id: ids.get(p.key)! }))),
        );
        for (const p of prepared)
          count(report, `${existing.has(p.key) ? 'updated' : 'created'}.redirect`, p.paths.length);

        // Comments: those already imported are updated; new ones are inserted level by level, so
        // that every reply's parent has its id when the reply is written.
        const known = await repo.findImportedComments(
          trx,
          [...existing.values()].map((a) => a.id),
        );
        const byDepth: ImportedCommentRow[][] = [];
        const parentOf = new Map<string, string | null>();
        for (const p of prepared) {
          const articleId = ids.get(p.key)!;
          for (const c of p.comments) {
            parentOf.set(c.key, c.parentKey);
            const parentId = c.parentKey ? (known.get(c.parentKey) ?? null) : null;
            const id = known.get(c.key);
            if (id !== undefined) {
              const {
                depth,
                author_name,
                author_email,
                author_url,
                body_markdown,
                body_html,
                status,
                created_at,
                body_hash,
              } = c.row;
              await repo.updateImportedComment(trx, id, {
                parent_id: parentId,
                depth,
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
              continue;
            }
            (byDepth[c.row.depth] ??= []).push({ ...c.row, article_id: articleId, parent_id: null });
          }
        }
        for (const level of byDepth) {
          if (!level) continue;
          for (const row of level) {
            const parentKey = parentOf.get(row.import_key);
            row.parent_id = parentKey ? (known.get(parentKey) ?? null) : null;
          }
          for (const [key, id] of await repo.insertComments(trx, level)) known.set(key, id);
          count(report, 'created.comment', level.length);
        }
        await repo.recountComments(trx, [...ids.values()]);
      });
      // New articles were in no cache: one announcement for the batch empties the lists. An
      // updated one is announced itself, so its cached page and thread are dropped.
      if (touched.some((t) => t.created)) events.emit('article.changed', { articleId: null });
      for (const t of touched) {
        if (!t.created) events.emit('article.changed', { articleId: t.id });
        else addUrl(report, config.publicUrl + (t.kind === 'page' ? `/pages/${t.slug}` : articlePath(t.slug)));
      }
    },
  };
}
