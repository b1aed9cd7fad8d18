// Turns a WordPress post into the rows it will be written as: the pure conversion work of an
// import (HTML to Markdown, rendering and sanitising, hashing, the search text), which needs no
// database. It runs in the import's worker thread (wxr-worker.ts), beside the thread that writes.
import { hmac } from '../../lib/crypto.ts';
import { renderArticleMarkdown, renderCommentMarkdown } from '../../lib/markdown.ts';
import { slugify } from '../../lib/text.ts';
import { withDerivedColumns } from '../articles/article-derived-columns.ts';
import type { NewArticleRow } from '../articles/article.table.ts';
import { bodyHash } from '../spam/content-rules.ts';
import { count, note, type ImportReport } from './import-report.ts';
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

export interface PreparedComment {
  key: string;
  parentKey: string | null;
  row: Omit<ImportedCommentRow, 'article_id' | 'parent_id'>;
}

/** A post ready to write: plain data, cheap to hand from one thread to another. */
export interface PreparedPost {
  key: string;
  kind: 'article' | 'page';
  wantedSlug: string;
  /** With its derived columns (the search text, the archive slugs). */
  fields: Omit<NewArticleRow, 'slug' | 'import_key' | 'created_at' | 'kind'>;
  tags: string[];
  paths: string[];
  comments: PreparedComment[];
  baseline: { sum: number; count: number } | undefined;
  /** The attachment's file to bring in as the featured image, when there is one. */
  imageFile: string | null;
  label: string;
}

export interface PrepareContext {
  /** Attachment post id → its file under wp-content/uploads. */
  attachments: Map<string, string>;
  /** The key readers' IP addresses are hashed with. */
  ipKey: string;
}

const ANONYMOUS = 'Anonymous';

/** The post's rows (null when it is skipped, which the report says); `site` is part of its import key. */
export function createPreparer({ attachments, ipKey }: PrepareContext) {
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

  return function prepare(
    post: WxrPost,
    authors: Map<string, string>,
    site: string,
    now: string,
    report: ImportReport,
  ): PreparedPost | null {
    const label = `${post.type} ${post.id || '?'} “${post.title.slice(0, 60)}”`;
    const decision = decidePost(post, now);
    if (!decision.import) {
      count(report, `skipped.${decision.skipped}`);
      if (decision.reason) note(report, label, `skipped: ${decision.reason}`);
      return null;
    }
    if (decision.note) note(report, label, decision.note);
    const key = `wxr:${site}:${post.id}`;
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
    const imageFile = thumbnail ? (attachments.get(thumbnail) ?? null) : null;
    if (thumbnail && !imageFile) note(report, label, `featured image (attachment ${thumbnail}) is not in the file`);
    return {
      key,
      kind: decision.kind,
      label,
      wantedSlug: slugify(post.slug || post.title),
      // Derived here (the body's search text is costly), not on the thread that writes.
      fields: withDerivedColumns({
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
      }),
      tags,
      paths: legacyPaths(post),
      comments,
      baseline: (() => {
        const b = ratingBaseline(post.meta);
        return b && { sum: b.sum, count: b.count };
      })(),
      imageFile,
    };
  };
}
