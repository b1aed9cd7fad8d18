// Disqus export import (<disqus> with <category>, <thread dsq:id> and <post dsq:id>). Two passes:
// 1. survey: the whole file must be well-formed and a Disqus export; threads are kept (they are
//    few) and each post's thread and parent noted (ids only), since threads and parents may come
//    after the posts that name them. Threads are then matched to articles (disqus-links.ts).
// 2. import: posts are written in batches, each in one transaction, parents before replies; a
//    reply whose parent comes in a later batch is linked to it at the end. Comments already
//    imported (by their Disqus id) are left as they are, so importing again changes nothing.
import { hmac } from '../../lib/crypto.ts';
import { renderArticleMarkdown, renderCommentMarkdown } from '../../lib/markdown.ts';
import { nowIso, slugify } from '../../lib/text.ts';
import * as articleRepo from '../articles/article.repository.ts';
import { articlePath } from '../articles/article.model.ts';
import type { CommentStatus } from '../comments/comment.table.ts';
import { getOrCreateSecret } from '../settings/settings.service.ts';
import { bodyHash } from '../spam/content-rules.ts';
import { addressKey, legacyCandidates, slugCandidates, threadAddress, type ThreadAddress } from './disqus-links.ts';
import { addUrl, count, createReport, ImportError, note, type ImportReport } from './import-report.ts';
import type { ImportSource } from './import-source.ts';
import * as repo from './import.repository.ts';
import type { ImportDeps, ImportFormat, ImportOptions } from './import-format.ts';
import { commentToMarkdown } from './html-to-markdown.ts';
import { childText, readXml, type XmlElement } from './xml-stream.ts';
import { clean } from './wxr-parser.ts';

export const disqusFormat: ImportFormat = {
  name: 'Disqus',
  detect: (source) => /<disqus[\s>]/.test(source.head) && /disqus\.com/.test(source.head),
  run: importDisqus,
};

interface Thread {
  id: string;
  link: string;
  title: string;
  createdAt: string | null;
  address: ThreadAddress | null;
  posts: number;
}

/** The dsq:id attribute, whatever prefix the file gave its namespace. */
function dsqId(element: XmlElement): string {
  const key = Object.keys(element.attrs).find((k) => k === 'id' || k.endsWith(':id'));
  return key ? clean(element.attrs[key]!) : '';
}

const isoDate = (text: string) => {
  const date = new Date(clean(text));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

interface Survey {
  forum: string;
  threads: Map<string, Thread>;
  /** Post id → its thread's id and its parent's id ('' when top-level). */
  posts: Map<string, { thread: string; parent: string }>;
}

async function survey(source: ImportSource, options: ImportOptions): Promise<Survey> {
  const result: Survey = { forum: '', threads: new Map(), posts: new Map() };
  let root = '';
  await readXml(source, {
    collect: new Set(['thread', 'post', 'category']),
    onOpen(name, depth) {
      if (depth === 0) root = name;
    },
    onElement(element) {
      if (element.name === 'category') {
        result.forum ||= clean(childText(element, 'forum'));
      } else if (element.name === 'thread') {
        const id = dsqId(element);
        if (!id) return;
        const link = clean(childText(element, 'link'));
        result.forum ||= clean(childText(element, 'forum'));
        result.threads.set(id, {
          id,
          link,
          title: clean(childText(element, 'title')),
          createdAt: isoDate(childText(element, 'createdAt')),
          address: threadAddress(link, childText(element, 'id')),
          posts: 0,
        });
      } else {
        const id = dsqId(element);
        const thread = element.children.find((c) => c.name === 'thread');
        const parent = element.children.find((c) => c.name === 'parent');
        if (id) result.posts.set(id, { thread: thread ? dsqId(thread) : '', parent: parent ? dsqId(parent) : '' });
      }
    },
    onBytes: (read) => options.onProgress?.('checking', read, source.size),
  });
  options.onProgress?.('checking', source.size, source.size, true);
  if (root !== 'disqus') throw new ImportError(`${source.file}: not a Disqus export (its root is <${root}>)`);
  for (const post of result.posts.values()) {
    const thread = result.threads.get(post.thread);
    if (thread) thread.posts++;
  }
  return result;
}

/** Each post's depth (0 for top-level), following parents that are in the file; a cycle stops it. */
function depths(posts: Survey['posts']): Map<string, number> {
  const found = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = found.get(id);
    if (known !== undefined) return known;
    const chain: string[] = [];
    let at: string | undefined = id;
    const seen = new Set<string>();
    while (at && !found.has(at) && !seen.has(at)) {
      seen.add(at);
      chain.push(at);
      const parent: string = posts.get(at)?.parent ?? '';
      at = parent && posts.has(parent) ? parent : undefined;
    }
    let depth = at && found.has(at) ? found.get(at)! + 1 : 0;
    for (let i = chain.length - 1; i >= 0; i--) found.set(chain[i]!, depth++);
    return found.get(id)!;
  };
  for (const id of posts.keys()) depthOf(id);
  return found;
}

/** Thread id → article id, for threads with posts; creates drafts for the rest with --create-articles. */
async function matchThreads(
  services: ImportDeps,
  found: Survey,
  report: ImportReport,
  options: ImportOptions,
): Promise<Map<string, number>> {
  const { db } = services;
  const groups = new Map<string, Thread[]>();
  for (const thread of found.threads.values()) {
    if (thread.posts === 0) continue;
    const key = thread.address ? addressKey(thread.address) : `thread:${thread.id}`;
    groups.set(key, [...(groups.get(key) ?? []), thread]);
  }
  const articles = new Map<string, number>();
  const created: { id: number; slug: string }[] = [];
  await db.transaction().execute(async (trx) => {
    for (const [key, threads] of groups) {
      // The real page names the group; its copies (localhost, caches) fold into it.
      const main = threads.find((t) => !t.address?.copy) ?? threads[0]!;
      const posts = threads.reduce((n, t) => n + t.posts, 0);
      let articleId = main.address ? await findArticle(trx, main.address) : undefined;
      for (const t of threads) if (!articleId && t.address) articleId = await findArticle(trx, t.address);
      const draftKey = `disqus:${found.forum || 'forum'}:thread:${key}`;
      if (!articleId) articleId = (await articleRepo.findArticleByImportKey(trx, draftKey))?.id;
      const label =
        `thread ${main.id} ` +
        `“${(main.title || main.link || '?').slice(0, 60)}”${main.link ? ` (${main.link})` : ''}`;
      if (!articleId && options.createArticles) {
        const title = (main.title || main.link || `Disqus thread ${main.id}`).slice(0, 300);
        const markdown = main.link
          ? `Comments brought over from Disqus for <${main.link}>.`
          : 'Comments brought over from Disqus.';
        let slug = slugify(title) || `disqus-thread-${main.id}`;
        for (let n = 2; await articleRepo.slugExists(trx, slug); n++)
          slug = `${slugify(title) || `disqus-thread-${main.id}`}-${n}`;
        const now = nowIso();
        articleId = await articleRepo.insertArticle(trx, {
          slug,
          title,
          body_markdown: markdown,
          body_html: renderArticleMarkdown(markdown),
          status: 'draft',
          import_key: draftKey,
          published_at: null,
          created_at: main.createdAt ?? now,
          updated_at: now,
          author_id: null,
          featured_image: null,
          submitted_at: null,
        });
        created.push({ id: articleId, slug });
        count(report, 'created.article');
        note(
          report,
          label,
          `no article matches its link: made a draft article holding its ${posts} comment${posts === 1 ? '' : 's'}`,
        );
      }
      if (!articleId) {
        count(report, 'skipped.thread');
        count(report, 'skipped.comment', posts);
        note(
          report,
          label,
          `no article matches its link: its ${posts} comment${posts === 1 ? '' : 's'} were not imported (use ` +
            `--create-articles to keep them in a draft)`,
        );
        continue;
      }
      for (const t of threads) articles.set(t.id, articleId);
      if (threads.length > 1)
        note(
          report,
          label,
          `${threads.length - 1} copies of it (${threads
            .filter((t) => t !== main)
            .map((t) => t.link)
            .join(', ')}) were folded into it`,
        );
    }
  });
  for (const c of created) addUrl(report, `${services.config.publicUrl}/admin/articles/${c.id}`);
  return articles;
}

async function findArticle(
  trx: Parameters<typeof articleRepo.findArticleBySlug>[0],
  address: ThreadAddress,
): Promise<number | undefined> {
  for (const path of legacyCandidates(address)) {
    const row = await trx.selectFrom('legacy_paths').select('article_id').where('path', '=', path).executeTakeFirst();
    if (row) return row.article_id;
  }
  for (const slug of slugCandidates(address)) {
    const row = await articleRepo.findArticleBySlug(trx, slug);
    if (row) return row.id;
  }
  return undefined;
}

const BATCH_POSTS = 2000;
const ANONYMOUS = 'Anonymous';

async function importDisqus(services: ImportDeps, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
  const { db, events } = services;
  const found = await survey(source, options);
  const report = createReport(source.file, 'Disqus');
  const forum = found.forum || 'forum';
  const keyOf = (postId: string) => `disqus:${forum}:${postId}`;
  const articles = await matchThreads(services, found, report, options);
  const depth = depths(found.posts);
  const ipKey = await getOrCreateSecret(db, 'reader');
  const ids = new Map<string, number>(); // import key → comment id, for parents
  const laterParents: { id: number; parentKey: string }[] = [];
  const touched = new Set<number>();
  let done = 0;
  let batch: { row: repo.ImportedCommentRow; parentKey: string | null; depth: number }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const posts = batch.sort((a, b) => a.depth - b.depth);
    batch = [];
    await db.transaction().execute(async (trx) => {
      const existing = await repo.findCommentsByImportKeys(
        trx,
        posts.map((p) => p.row.import_key),
      );
      for (const [key, id] of existing) ids.set(key, id);
      const fresh = posts.filter((p) => !existing.has(p.row.import_key));
      count(report, 'kept.comment', posts.length - fresh.length);
      // Level by level, so a reply's parent in this batch has its id first.
      for (const level of [...new Set(fresh.map((p) => p.depth))]) {
        const rows = fresh.filter((p) => p.depth === level);
        for (const p of rows) {
          p.row.parent_id = p.parentKey
            ? (ids.get(p.parentKey) ??
              (await repo.findCommentsByImportKeys(trx, [p.parentKey])).get(p.parentKey) ??
              null)
            : null;
        }
        for (const [key, id] of await repo.insertComments(
          trx,
          rows.map((p) => p.row),
        ))
          ids.set(key, id);
        for (const p of rows) {
          if (p.parentKey && p.row.parent_id === null)
            laterParents.push({ id: ids.get(p.row.import_key)!, parentKey: p.parentKey });
          touched.add(p.row.article_id);
        }
        count(report, 'created.comment', rows.length);
      }
      await repo.recountComments(trx, [...new Set(posts.map((p) => p.row.article_id))]);
    });
    options.onProgress?.('importing', done, found.posts.size);
  };

  await readXml(source, {
    collect: new Set(['post']),
    async onElement(element) {
      done++;
      const id = dsqId(element);
      if (!id) {
        count(report, 'skipped.comment');
        note(report, `post ${done}`, 'skipped: it has no dsq:id');
        return;
      }
      const info = found.posts.get(id)!;
      const thread = found.threads.get(info.thread);
      if (!thread) {
        count(report, 'skipped.comment');
        note(report, `post ${id}`, `skipped: its thread ${info.thread || '(none)'} is not in the file`);
        return;
      }
      const articleId = articles.get(thread.id);
      if (articleId === undefined) return; // counted with its thread
      const deleted = clean(childText(element, 'isDeleted')) === 'true';
      const spam = clean(childText(element, 'isSpam')) === 'true';
      const status: CommentStatus = spam ? 'spam' : deleted ? 'trash' : 'approved';
      const author = element.children.find((c) => c.name === 'author');
      const name = clean(author ? childText(author, 'name') || childText(author, 'username') : '') || ANONYMOUS;
      const email = clean(author ? childText(author, 'email') : '').toLowerCase();
      const { markdown: body, html: plainHtml } = commentToMarkdown(childText(element, 'message'));
      const created = isoDate(childText(element, 'createdAt')) ?? thread.createdAt ?? nowIso();
      const ip = clean(childText(element, 'ipAddress'));
      const parentKey = info.parent && found.posts.has(info.parent) ? keyOf(info.parent) : null;
      if (info.parent && !parentKey)
        note(report, `post ${id}`, `its parent ${info.parent} is not in the file: imported as a top-level comment`);
      batch.push({
        depth: depth.get(id) ?? 0,
        parentKey,
        row: {
          article_id: articleId,
          parent_id: null,
          depth: Math.min(depth.get(id) ?? 0, 255),
          author_name: name.slice(0, 100),
          author_email: email.slice(0, 254),
          author_url: null,
          body_markdown: body,
          body_html: plainHtml ?? renderCommentMarkdown(body),
          status,
          body_hash: bodyHash(body),
          ip_hash: ip ? hmac(ipKey, 'ip', ip).slice(0, 27) : 'import',
          user_agent: '',
          created_at: created,
          updated_at: created,
          import_key: keyOf(id),
        },
      });
      if (batch.length >= BATCH_POSTS) await flush();
    },
  });
  await flush();
  // Replies written before their parent (the parent came later in the file) get it now.
  if (laterParents.length > 0) {
    await db.transaction().execute(async (trx) => {
      for (const { id, parentKey } of laterParents) {
        const parent = ids.get(parentKey);
        if (parent !== undefined)
          await trx.updateTable('comments').set({ parent_id: parent }).where('id', '=', id).execute();
      }
    });
  }
  options.onProgress?.('importing', found.posts.size, found.posts.size, true);
  for (const articleId of touched) events.emit('article.changed', { articleId });
  for (const articleId of new Set(articles.values())) {
    const row = await articleRepo.findArticleById(db, articleId);
    if (row && touched.has(articleId) && row.status !== 'draft')
      addUrl(report, services.config.publicUrl + articlePath(row.slug));
  }
  return report;
}
