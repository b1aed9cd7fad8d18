// Writes batches of WordPress posts: each batch in one transaction (articles or pages, their tags,
// old addresses, comments with their threading, reader-score baselines), then announces the
// changed articles. The conversion work (HTML to Markdown, rendering) is done before the
// transaction opens, so the database is held only for the writes.
import { realpath, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { hmac } from '../../lib/crypto.ts';
import { renderArticleMarkdown, renderCommentMarkdown } from '../../lib/markdown.ts';
import { nowIso, slugify } from '../../lib/text.ts';
import * as articleRepo from '../articles/article.repository.ts';
import { createMediaStore } from '../media/media-store.ts';
import { articlePath } from '../articles/article.model.ts';
import type { NewArticleRow } from '../articles/article.table.ts';
import { getOrCreateSecret } from '../settings/settings.service.ts';
import { bodyHash } from '../spam/content-rules.ts';
import { addUrl, count, note, type ImportReport } from './import-report.ts';
import type { ImportDeps } from './import-format.ts';
import * as repo from './import.repository.ts';
import type { ImportedCommentRow } from './import.repository.ts';
import { commentToMarkdown, postHtmlToMarkdown } from './html-to-markdown.ts';
import {
  commentStatus,
  decidePost,
  editorReview,
  legacyPaths,
  ratingBaseline,
  sectionAndTags,
  threadComments,
} from './wxr-mapping.ts';
import type { WxrPost } from './wxr-parser.ts';

export interface WxrWriterOptions {
  report: ImportReport;
  attachments: Map<string, string>;
  uploadsDir?: string;
  site: () => string;
}

interface PreparedComment {
  key: string;
  parentKey: string | null;
  row: Omit<ImportedCommentRow, 'article_id' | 'parent_id'>;
}

interface PreparedPost {
  post: WxrPost;
  key: string;
  kind: 'article' | 'page';
  wantedSlug: string;
  fields: Omit<NewArticleRow, 'slug' | 'import_key' | 'created_at' | 'kind'>;
  tags: string[];
  paths: string[];
  comments: PreparedComment[];
  baseline: { sum: number; count: number } | undefined;
  /** The attachment's file to bring in as the featured image, when there is one. */
  imageFile: string | null;
  label: string;
}

const ANONYMOUS = 'Anonymous';

export async function createWxrWriter(services: ImportDeps, options: WxrWriterOptions) {
  const { db, events, config } = services;
  const { report } = options;
  const ipKey = await getOrCreateSecret(db, 'reader');
  const media = createMediaStore(config.mediaDir);
  const uploadsRoot = options.uploadsDir ? await realpath(options.uploadsDir).catch(() => undefined) : undefined;
  // Regular commenters write from the same address many times: each address is hashed once.
  const ipHashes = new Map<string, string>();
  const ipHash = (ip: string) => {
    let hash = ipHashes.get(ip);
    if (hash === undefined) {
      if (ipHashes.size >= 10_000) ipHashes.clear();
      hash = hmac(ipKey, 'ip', ip).slice(0, 27);
      ipHashes.set(ip, hash);
    }
    return hash;
  };

  function prepare(post: WxrPost, authors: Map<string, string>, now: string): PreparedPost | null {
    const label = `${post.type} ${post.id || '?'} “${post.title.slice(0, 60)}”`;
    const decision = decidePost(post, now);
    if (!decision.import) {
      count(report, `skipped.${decision.skipped}`);
      if (decision.reason) note(report, label, `skipped: ${decision.reason}`);
      return null;
    }
    if (decision.note) note(report, label, decision.note);
    const key = `wxr:${options.site()}:${post.id}`;
    const bodyMarkdown = postHtmlToMarkdown(post.content);
    const { section, tags } = decision.kind === 'page' ? { section: '', tags: [] } : sectionAndTags(post);
    const review = editorReview(post.meta, post.title);
    const title = post.title || (bodyMarkdown ? bodyMarkdown.replace(/\s+/g, ' ').slice(0, 60) : '') || 'Untitled';
    if (!post.title) note(report, label, 'has no title: one was made from its text');
    const comments: PreparedComment[] = [];
    const real = post.comments.filter((c) => {
      if (c.type === 'pingback' || c.type === 'trackback') {
        count(report, `skipped.${c.type}`);
        return false;
      }
      // WP Review keeps each visitor's rating as a comment of this type; the post's visitor score
      // (the rating baseline) already counts it.
      if (c.type === 'wp_review_visitor') {
        count(report, 'skipped.visitor rating');
        return false;
      }
      if (!c.id || !c.content.trim()) {
        count(report, 'skipped.comment');
        note(
          report,
          `comment ${c.id || '?'} on post ${post.id}`,
          c.id ? 'skipped: it is empty' : 'skipped: it has no wp:comment_id',
        );
        return false;
      }
      return true;
    });
    const { threaded, orphans } = threadComments(real);
    for (const orphan of orphans)
      note(
        report,
        `comment ${orphan.id} on post ${post.id}`,
        `its parent ${orphan.parentId} is not in the file: imported as a top-level comment`,
      );
    for (const { comment, parent, depth } of threaded) {
      const { markdown: bodyMd, html: plainHtml } = commentToMarkdown(comment.content);
      const url = /^https?:\/\/\S+$/i.test(comment.authorUrl) ? comment.authorUrl.slice(0, 500) : null;
      const created = comment.date ?? decision.publishedAt ?? now;
      comments.push({
        key: `${key}:${comment.id}`,
        parentKey: parent ? `${key}:${parent}` : null,
        row: {
          depth,
          author_name: (comment.authorName || ANONYMOUS).slice(0, 100),
          author_email: comment.authorEmail.slice(0, 254),
          author_url: url,
          body_markdown: bodyMd,
          body_html: plainHtml ?? renderCommentMarkdown(bodyMd),
          status: commentStatus(comment.approved),
          body_hash: bodyHash(bodyMd),
          ip_hash: comment.authorIp ? ipHash(comment.authorIp) : 'import',
          user_agent: '',
          created_at: created,
          updated_at: created,
          import_key: `${key}:${comment.id}`,
        },
      });
    }
    const thumbnail = post.meta.get('_thumbnail_id');
    const imageFile = thumbnail ? (options.attachments.get(thumbnail) ?? null) : null;
    if (thumbnail && !imageFile) note(report, label, `featured image (attachment ${thumbnail}) is not in the file`);
    return {
      post,
      key,
      kind: decision.kind,
      label,
      wantedSlug: slugify(post.slug || post.title),
      fields: {
        title: title.slice(0, 300),
        standfirst: post.excerpt
          .replace(/<[^>]*>/g, '')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 1000),
        body_markdown: bodyMarkdown,
        body_html: renderArticleMarkdown(bodyMarkdown),
        author_name: (authors.get(post.creator) ?? post.creator).slice(0, 100),
        section,
        status: decision.status,
        published_at: decision.publishedAt,
        updated_at: post.modified ?? decision.publishedAt ?? now,
        menu_order: post.menuOrder,
        ...(review?.rating != null ? { review_rating: review.rating } : {}),
        ...(review?.type ? { review_type: review.type, review_name: review.name } : {}),
      },
      tags,
      paths: legacyPaths(post),
      comments,
      baseline: (() => {
        const b = ratingBaseline(post.meta);
        return b && { sum: b.sum, count: b.count };
      })(),
      imageFile,
    };
  }

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
    async write(posts: WxrPost[], authors: Map<string, string>): Promise<void> {
      const now = nowIso();
      const prepared = posts.map((post) => prepare(post, authors, now)).filter((p): p is PreparedPost => p !== null);
      if (prepared.length === 0) return;
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
