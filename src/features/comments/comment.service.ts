// Comments: posting (validated, sanitised, moderated), reading threads, and moderating.
import type { Db } from '../../db/database.ts';
import { isPostgres } from '../../db/postgres.ts';
import { together } from '../../db/prepared.ts';
import { writeGroups } from '../../db/write-groups.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { renderCommentMarkdown } from '../../lib/markdown.ts';
import { nowIso } from '../../lib/text.ts';
import { recordAudit, type Actor } from '../audit/audit.service.ts';
import { countComment, recountComments, type CounterFolder } from '../articles/article-counters.ts';
import { articleStates } from '../articles/article-state.ts';
import type { CommentNotifier } from '../notifications/notification.service.ts';
import type { WebhookNotifier } from '../webhooks/webhook-notifier.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { createSpamDefence, type Submission } from '../spam/spam.service.ts';
import { gatherAuthorTrust } from './comment-trust.ts';
import { findActiveBan } from '../bans/active-ban.ts';
import { bodyHash, countLinks } from '../spam/content-rules.ts';
import { htmlToText } from '../../lib/html-text.ts';
import { formatDate } from '../../views/html.ts';
import * as repo from './comment.repository.ts';
import { threadComments, toPublicComment, type PublicComment } from './comment.model.ts';
import { indexThreads, pageOf, slicePage, type CommentOrder } from './comment-paging.ts';
import type { CommentRow, CommentStatus } from './comment.table.ts';
import { validateComment } from './comment-validation.ts';
import { explainDecision, moderateExplained } from './moderation.steps.ts';

export interface PostContext {
  articleId: number;
  readerId: string | null;
  ipHash: string;
  userAgent: string;
  /** What the reader's request carried (address, form token, honeypot); absent for imports and seed data. */
  submission?: Submission;
  /** When it was written, for demo content dated in the past; a reader's comment is dated now. */
  at?: string;
  /** Already published elsewhere (demo content): it skips the moderation steps, as a staff reply does. */
  approved?: boolean;
}

export interface PostResult {
  id: number;
  status: CommentStatus;
}

/** A post's outcome with the row it stored. */
interface Written extends PostResult {
  row: CommentRow;
}

/** One page of an article's top-level threads, each with its replies. */
export interface ThreadPage {
  items: PublicComment[];
  page: number;
  /** Pages in all (at least 1). */
  pages: number;
  /** Approved comments on the article, replies included. */
  total: number;
}

/** What the reader has on this article that others do not see: held comments, and comments they may still edit. */
export interface ReaderComments {
  pending: PublicComment[];
  editable: Set<number>;
}

/** An earlier text of an edited comment. */
export interface CommentEdit {
  bodyHtml: string;
  /** When it was replaced. */
  replacedAt: string;
}

export interface ModerationRecord extends PublicComment {
  articleId: number;
  articleSlug: string;
  authorEmail: string;
  heldReason: string | null;
}

export interface QueueItem extends ModerationRecord {
  articleTitle: string;
  /** The classifier's P(spam) when posted, 0–1; null when it had not been trained. */
  spamScore: number | null;
  /** The text as written, for a moderator's correction. */
  bodyMarkdown: string;
  /** Earlier texts, oldest first, when the author (or a moderator) edited it. */
  edits: CommentEdit[];
  /** Written by staff (a reply from the queue): there is nobody to ban. */
  staffAuthor: boolean;
  /** The comment this one answers. */
  parent: { id: number; authorName: string; excerpt: string; status: CommentStatus } | null;
  /** The commenter's other comments (same e-mail or reader cookie), by status. */
  history: Record<CommentStatus, number>;
}

export interface ModerationQueue {
  items: QueueItem[];
  /** Matching comments in each status, for the queue's tabs. */
  counts: Record<CommentStatus, number>;
  page: number;
  perPage: number;
}

const EXCERPT_LENGTH = 200;
/** The most comments one PostgreSQL transaction writes together. */
const POST_GROUP_LARGEST = 16;

function parentOf(row: CommentRow | undefined): QueueItem['parent'] {
  if (!row) return null;
  const text = htmlToText(row.body_html).replace(/\s+/g, ' ').trim();
  return {
    id: row.id,
    authorName: row.author_name,
    status: row.status,
    excerpt: text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text,
  };
}

/** Comments close `days` after publication; 0 keeps them open. */
export function closedByAge(publishedAt: string | null, days: number, now = Date.now()): boolean {
  return days > 0 && publishedAt !== null && now - Date.parse(publishedAt) > days * 86_400_000;
}

export interface CommentService {
  post(input: Record<string, unknown>, context: PostContext): Promise<PostResult>;
  /**
   * A fresh signed token for the comment form of this article (spam defence); `previous` when the form comes back with
   * errors.
   */
  formToken(articleId: number, previous?: string): string;
  /** The token of the article's shared page, for browsers without JavaScript (see spam/form-token.ts). */
  sharedFormToken(articleId: number): string;
  /** Approved comments of an article, threaded. */
  thread(articleId: number, order?: 'oldest' | 'newest'): Promise<PublicComment[]>;
  /** One page of the approved top-level threads; a page past the last has no items. */
  threadPage(articleId: number, options: { order: CommentOrder; page: number; perPage: number }): Promise<ThreadPage>;
  /** The page holding an approved comment, or null when it is not public. */
  locate(
    articleId: number,
    commentId: number,
    options: { order: CommentOrder; perPage: number },
  ): Promise<number | null>;
  /** The reader's own comments still awaiting moderation on this article. */
  pendingFor(articleId: number, readerId: string): Promise<PublicComment[]>;
  /** The reader's held comments on this article, and which of theirs they may still edit. */
  ownFor(articleId: number, readerId: string): Promise<ReaderComments>;
  /** A comment its author may edit now (same reader, within the window), for the edit form; throws otherwise. */
  editable(
    articleId: number,
    commentId: number,
    readerId: string | null,
  ): Promise<PublicComment & { bodyMarkdown: string; editableUntil: string }>;
  /** The author's edit: the earlier text is kept; a held comment, or one that gained links, is moderated again. */
  edit(
    articleId: number,
    commentId: number,
    input: Record<string, unknown>,
    context: { readerId: string | null; ipHash: string },
  ): Promise<PostResult>;
  /** One approved comment, without its replies; undefined when it is not (or no longer) public. */
  findPublished(id: number): Promise<PublicComment | undefined>;
  /** Moves comments to a status; with an actor, each change goes to the audit log in the same transaction. */
  setStatus(ids: number[], status: CommentStatus, actor?: Actor): Promise<number>;
  /** One page of comments in a status (every status when it is undefined), newest first, with the counts per status. */
  moderationQueue(
    query: repo.QueueFilter & { status?: CommentStatus; page?: number; perPage?: number },
  ): Promise<ModerationQueue>;
  /** A staff member's reply: published at once, past the moderation steps; answering a held comment approves it. */
  postAsStaff(
    input: { parentId: number; body: string },
    author: { name: string; email: string; role: string },
    actor: Actor,
  ): Promise<PostResult>;
  listForModeration(filter: { status?: CommentStatus; limit?: number }): Promise<ModerationRecord[]>;
  /**
   * A moderator's correction of a comment's text: sanitised as a reader's is, its status kept, the earlier text kept
   * and audited.
   */
  editAsModerator(id: number, body: string, actor: Actor): Promise<void>;
  /** Who wrote a comment, for listing everything they wrote; undefined when there is no such comment. */
  commenterOf(id: number): Promise<(repo.CommenterKey & { name: string }) | undefined>;
}

/**
 * `readDb` (a replica, or the primary) serves the public threads; whatever a reader or moderator
 * must see right after writing it (their held comments, a comment just published) reads `db`.
 */
export function createCommentService(deps: {
  db: Db;
  readDb?: Db;
  events: EventBus;
  settings: SettingsService;
  avatarKey: string;
  formTokenKey: string;
  /** Reply notifications: told, inside the transaction, what was subscribed and published. */
  notifier?: CommentNotifier;
  webhooks?: WebhookNotifier;
  /** Folds the comment counts after each commit (PostgreSQL); optional for tools that only read. */
  counters?: CounterFolder;
}): CommentService {
  const { db, events, settings, avatarKey, notifier, webhooks, counters } = deps;
  const readDb = deps.readDb ?? db;
  const spam = createSpamDefence({ settings, formTokenKey: deps.formTokenKey });
  const publicOf = (row: CommentRow) => toPublicComment(row, avatarKey);
  const editWindowMs = () => settings.get().commentEditMinutes * 60_000;
  /** The comment whose `comment.published` is being emitted, just committed as approved. */
  let announcing: CommentRow | undefined;
  // PostgreSQL: comments posted at the same time share a transaction, so its BEGIN, COMMIT and WAL
  // flush, and, started together on one `together` view, their reads go as one statement and
  // their writes as another (db/write-groups.ts, db/prepared.ts). Each is acknowledged only after
  // the shared COMMIT. When one is refused or fails, the group is rolled back and each of its
  // comments is written again alone, in its own transaction, as on SQLite, so it fails alone.
  // A post that finds no group running goes at once. SQLite commits in groups in its driver.
  const posts = isPostgres(db)
    ? writeGroups(
        (writes: ((trx: Db) => Promise<Written>)[]) =>
          db.transaction().execute(async (trx) => {
            const shared = together(trx);
            const settled = await Promise.allSettled(writes.map((write) => write(shared)));
            const failed = settled.find((outcome) => outcome.status === 'rejected');
            if (failed) throw failed.reason;
            return settled.map((outcome) => (outcome as PromiseFulfilledResult<Written>).value);
          }),
        // Small enough that the few shapes of a group's statements stay named (db/postgres.ts).
        { largest: POST_GROUP_LARGEST },
      )
    : undefined;

  function refuseBanned(ban: Awaited<ReturnType<typeof findActiveBan>>) {
    if (ban) {
      throw new AppError(
        'banned',
        `You have been banned from commenting on this site ` +
          `${ban.expires_at === null ? 'for good' : `until ${formatDate(ban.expires_at, settings.get().timeZone)}`}.`,
      );
    }
  }

  /**
   * Checks that this reader may edit this comment now; returns it (locked on PostgreSQL when `trx` is a transaction).
   */
  async function ownComment(
    trx: Db,
    articleId: number,
    commentId: number,
    readerId: string | null,
    lock: boolean,
  ): Promise<CommentRow> {
    const row = lock ? (await repo.lockComments(trx, [commentId]))[0] : await repo.findCommentById(trx, commentId);
    if (!row || row.article_id !== articleId || row.status === 'spam' || row.status === 'trash')
      throw new AppError('comment_not_found');
    if (readerId === null || row.reader_id !== readerId) throw new AppError('edit_not_allowed');
    if (Date.now() - Date.parse(row.created_at) > editWindowMs()) throw new AppError('edit_window_closed');
    return row;
  }

  return {
    async post(input, context) {
      const draft = validateComment(input);
      const notifyReplies = wantsReplies(input.notifyReplies);
      const bodyHtml = renderCommentMarkdown(draft.body);
      const now = context.at ?? nowIso();
      const policy = settings.get().commentPolicy;
      const write = async (trx: Db): Promise<Written> => {
        // Everything the decision needs is asked at once: on PostgreSQL one statement (db/prepared.ts
        // `together`), where each was a round trip. The checks then run in their order, as before.
        const reads = together(trx);
        const [article, ban, parent, assessed, trust] = await Promise.all([
          articleStates.find(reads, context.articleId),
          findActiveBan(reads, { email: draft.authorEmail, ipHash: context.ipHash, readerId: context.readerId, now }),
          draft.parentId !== null ? repo.findCommentById(reads, draft.parentId) : undefined,
          spam.assess(reads, { articleId: context.articleId, draft, bodyHtml, submission: context.submission, now }),
          context.approved
            ? undefined
            : gatherAuthorTrust(
                reads,
                { email: draft.authorEmail, name: draft.authorName, readerId: context.readerId },
                policy,
              ),
        ]);
        if (article?.status !== 'published') throw new AppError('article_not_found');
        refuseBanned(ban);
        if (article.comments_open !== 1) throw new AppError('comments_closed');
        if (closedByAge(article.published_at, settings.get().commentsCloseAfterDays))
          throw new AppError('comments_closed');
        let depth = 0;
        if (draft.parentId !== null) {
          const visibleToAuthor =
            parent?.status === 'approved' ||
            (parent?.status === 'pending' && parent.reader_id === context.readerId && context.readerId !== null);
          if (!parent || parent.article_id !== context.articleId || !visibleToAuthor) {
            throw new AppError('invalid_parent', undefined, {
              parentId: 'You can only reply to a published comment on this article.',
            });
          }
          depth = parent.depth + 1;
          if (depth >= settings.get().replyDepth)
            throw new AppError('reply_too_deep', undefined, { parentId: 'This conversation cannot nest any deeper.' });
        }
        const { facts, bodyHash } = assessed;
        const decision = trust
          ? moderateExplained({ policy, ...trust, spam: facts })
          : { status: 'approved' as const, fired: [] };
        // The comment and its count go together too (one statement on PostgreSQL).
        const writes = together(trx);
        const stored = {
          article_id: context.articleId,
          parent_id: draft.parentId,
          depth,
          reader_id: context.readerId,
          author_name: draft.authorName,
          author_email: draft.authorEmail,
          author_url: draft.authorUrl,
          body_markdown: draft.body,
          body_html: bodyHtml,
          status: decision.status,
          held_reason: decision.status === 'approved' ? null : explainDecision(decision.fired, facts.spamScore),
          spam_score: facts.spamScore,
          body_hash: bodyHash,
          ip_hash: context.ipHash,
          user_agent: context.userAgent.slice(0, 300),
          created_at: now,
          updated_at: now,
        };
        const [id] = await Promise.all([
          repo.insertComment(writes, stored),
          // Counted in SQL, not from the count read above: concurrent posts must not overwrite each other's.
          decision.status === 'approved' ? countComment(writes, context.articleId) : undefined,
        ]);
        if (notifier) {
          if (notifyReplies && decision.status !== 'spam')
            await notifier.subscribe(trx, { id, authorEmail: draft.authorEmail });
          const row = {
            id,
            article_id: context.articleId,
            parent_id: draft.parentId,
            author_name: draft.authorName,
            author_email: draft.authorEmail,
            body_markdown: draft.body,
          };
          if (decision.status === 'approved') await notifier.published(trx, [row]);
        }
        await webhooks?.notify(trx, { event: 'comment.created', commentId: id });
        if (decision.status === 'approved') await webhooks?.notify(trx, { event: 'comment.published', commentId: id });
        const row: CommentRow = {
          trained_as: null,
          staff_role: null,
          ...stored,
          id,
          edited_at: null,
          import_key: null,
        };
        return { id, status: decision.status, row };
      };
      const result = posts ? await posts.add(write) : await db.transaction().execute(write);
      notifier?.committed();
      if (result.status === 'approved') {
        await counters?.settle(context.articleId);
        // Listeners that ask for the comment being announced (the live feed) get it from here, not from a read.
        announcing = result.row;
        try {
          events.emit('comment.published', { articleId: context.articleId, commentId: result.id });
        } finally {
          announcing = undefined;
        }
      }
      return { id: result.id, status: result.status };
    },

    formToken: (articleId, previous) => spam.issueFormToken(articleId, previous),
    sharedFormToken: (articleId) => spam.issueSharedFormToken(articleId),

    async thread(articleId, order = 'oldest') {
      const rows = await repo.listCommentsByStatus(readDb, articleId, 'approved');
      return threadComments(rows.map(publicOf), order);
    },

    async threadPage(articleId, { order, page, perPage }) {
      const entries = await repo.listThreadIndex(readDb, articleId);
      const slice = slicePage(indexThreads(entries), { order, page, perPage });
      const rows = new Map((await repo.listCommentsByIds(readDb, slice.ids)).map((row) => [row.id, row]));
      // Read back in the index's order; one approved a moment ago on a replica may be missing.
      const list = slice.ids.flatMap((id) => {
        const row = rows.get(id);
        return row && row.status === 'approved' ? [publicOf(row)] : [];
      });
      // The slice has the roots in page order already: threaded as they come.
      return { items: threadComments(list, 'oldest'), page: slice.page, pages: slice.pages, total: entries.length };
    },

    async locate(articleId, commentId, options) {
      return pageOf(indexThreads(await repo.listThreadIndex(db, articleId)), commentId, options);
    },

    async ownFor(articleId, readerId) {
      const since = new Date(Date.now() - editWindowMs()).toISOString();
      const rows = await repo.listReaderOwnComments(db, articleId, readerId, since);
      const editable = new Set(rows.filter((row) => row.created_at > since).map((row) => row.id));
      return { pending: rows.filter((row) => row.status === 'pending').map(publicOf), editable };
    },

    async editable(articleId, commentId, readerId) {
      const row = await ownComment(db, articleId, commentId, readerId, false);
      return {
        ...publicOf(row),
        bodyMarkdown: row.body_markdown,
        editableUntil: new Date(Date.parse(row.created_at) + editWindowMs()).toISOString(),
      };
    },

    async edit(articleId, commentId, input, context) {
      const now = nowIso();
      const result = await db.transaction().execute(async (trx) => {
        const row = await ownComment(trx, articleId, commentId, context.readerId, true);
        refuseBanned(
          await findActiveBan(trx, {
            email: row.author_email,
            ipHash: context.ipHash,
            readerId: context.readerId,
            now,
          }),
        );
        const draft = validateComment({
          authorName: row.author_name,
          authorEmail: row.author_email,
          authorUrl: row.author_url,
          body: input.body,
        });
        if (draft.body === row.body_markdown) return { id: row.id, from: row.status, status: row.status };
        const bodyHtml = renderCommentMarkdown(draft.body);
        const { facts, bodyHash } = await spam.assess(trx, { articleId, draft, bodyHtml, now });
        // Judged as a new comment from this reader would be (the same trust rules as post()).
        const policy = settings.get().commentPolicy;
        const decision = moderateExplained({
          policy,
          ...(await gatherAuthorTrust(
            trx,
            { email: row.author_email, name: row.author_name, readerId: context.readerId },
            policy,
          )),
          spam: facts,
        });
        // A held comment, or one that gained links, goes through the steps again; so does one
        // that now trips a spam rule (a blocked word edited in after approval).
        const again =
          row.status === 'pending' || countLinks(bodyHtml) > countLinks(row.body_html) || decision.status === 'spam';
        const status = again ? decision.status : row.status;
        const heldReason =
          status === 'approved' ? null : again ? explainDecision(decision.fired, facts.spamScore) : row.held_reason;
        await repo.recordCommentEdit(trx, row, {
          body_markdown: draft.body,
          body_html: bodyHtml,
          body_hash: bodyHash,
          status,
          held_reason: heldReason,
          spam_score: facts.spamScore,
          now,
        });
        if (status !== row.status) {
          await articleStates.lockAll(trx, [articleId]);
          await recountComments(trx, articleId);
        }
        if (status === 'approved' && row.status !== 'approved')
          await notifier?.published(trx, [{ ...row, body_markdown: draft.body }]);
        return { id: row.id, from: row.status, status };
      });
      notifier?.committed();
      if (result.status === 'approved' && result.from !== 'approved')
        events.emit('comment.published', { articleId, commentId: result.id });
      // Its text changed on every page showing it (or it left them): pages and feeds render again.
      else if (result.from === 'approved') events.emit('article.changed', { articleId });
      return { id: result.id, status: result.status };
    },

    async pendingFor(articleId, readerId) {
      return (await repo.listReaderPendingComments(db, articleId, readerId)).map(publicOf);
    },

    async findPublished(id) {
      if (announcing?.id === id) return publicOf(announcing);
      const row = await repo.findCommentById(db, id);
      return row?.status === 'approved' ? publicOf(row) : undefined;
    },

    async setStatus(ids, status, actor) {
      if (ids.length === 0) return 0;
      const changed = await db.transaction().execute(async (trx) => {
        // Locked (PostgreSQL): two moderators acting on one comment take turns, so it is audited
        // and taught to the classifier once per change.
        const locked = new Map((await repo.lockComments(trx, ids)).map((r) => [r.id, r]));
        const rows = ids.map((id) => locked.get(id)).filter((r): r is CommentRow => r !== undefined);
        if (rows.length === 0) throw new AppError('comment_not_found');
        await repo.setCommentStatus(
          trx,
          rows.map((r) => r.id),
          status,
          nowIso(),
        );
        // A moderator's approve or spam is the classifier's training data; posting never trains.
        if (status === 'approved' || status === 'spam')
          for (const r of rows) await spam.learn(trx, r, status === 'spam' ? 'spam' : 'ham');
        if (actor)
          for (const r of rows)
            if (r.status !== status)
              await recordAudit(trx, actor, `comment.${status}`, `comment:${r.id}`, {
                from: r.status,
                article: r.article_id,
              });
        const articleIds = [...new Set(rows.map((r) => r.article_id))];
        // Locked before counting, so a comment posted meanwhile is either counted here or added after.
        await articleStates.lockAll(trx, articleIds);
        for (const articleId of articleIds) await recountComments(trx, articleId);
        if (status === 'approved')
          await notifier?.published(
            trx,
            rows.filter((r) => r.status !== 'approved'),
          );
        for (const r of rows) {
          if (status === 'approved' && r.status !== 'approved')
            await webhooks?.notify(trx, { event: 'comment.published', commentId: r.id });
          else if (r.status === 'approved' && status !== 'approved')
            await webhooks?.notify(trx, { event: 'comment.removed', commentId: r.id });
        }
        return rows;
      });
      notifier?.committed();
      for (const row of changed) {
        if (status === 'approved' && row.status !== 'approved')
          events.emit('comment.published', { articleId: row.article_id, commentId: row.id });
        else if (row.status === 'approved' && status !== 'approved')
          events.emit('article.changed', { articleId: row.article_id });
      }
      return changed.length;
    },

    async listForModeration({ status, limit = 50 }) {
      const rows = await repo.listComments(db, status ? { status, limit } : { limit });
      return rows.map((row) => ({
        ...publicOf(row),
        articleId: row.article_id,
        articleSlug: row.article_slug,
        authorEmail: row.author_email,
        heldReason: row.held_reason,
      }));
    },

    async moderationQueue({ status, q, articleId, author, page = 1, perPage = 25 }) {
      const filter = { q, articleId, author };
      const rows = await repo.listQueue(db, { ...filter, status, limit: perPage, offset: (page - 1) * perPage });
      const counts = await repo.countQueue(db, filter);
      const edits = await repo.listCommentEdits(
        db,
        rows.filter((row) => row.edited_at !== null).map((row) => row.id),
      );
      const parents = new Map(
        (
          await repo.listCommentsByIds(db, [
            ...new Set(rows.flatMap((row) => (row.parent_id === null ? [] : [row.parent_id]))),
          ])
        ).map((p) => [p.id, p]),
      );
      const histories = await Promise.all(
        rows.map((row) =>
          repo.countCommenterComments(db, { email: row.author_email, readerId: row.reader_id }, row.id),
        ),
      );
      const items = rows.map((row, i) => ({
        ...publicOf(row),
        articleId: row.article_id,
        articleSlug: row.article_slug,
        articleTitle: row.article_title,
        authorEmail: row.author_email,
        heldReason: row.held_reason,
        spamScore: row.spam_score,
        bodyMarkdown: row.body_markdown,
        edits: edits
          .filter((e) => e.comment_id === row.id)
          .map((e) => ({ bodyHtml: e.body_html, replacedAt: e.created_at })),
        staffAuthor: row.staff_role !== null || row.ip_hash === 'staff',
        parent: parentOf(parents.get(row.parent_id ?? 0)),
        history: histories[i]!,
      }));
      return { items, counts, page, perPage };
    },

    async editAsModerator(id, body, actor) {
      const now = nowIso();
      const changed = await db.transaction().execute(async (trx) => {
        const [row] = await repo.lockComments(trx, [id]);
        if (!row) throw new AppError('comment_not_found');
        const draft = validateComment({
          authorName: row.author_name,
          authorEmail: row.author_email,
          authorUrl: row.author_url,
          body,
        });
        if (draft.body === row.body_markdown) return null;
        const bodyHtml = renderCommentMarkdown(draft.body);
        const hash = bodyHash(draft.body);
        await repo.recordCommentEdit(trx, row, {
          body_markdown: draft.body,
          body_html: bodyHtml,
          body_hash: hash,
          status: row.status,
          held_reason: row.held_reason,
          spam_score: row.spam_score,
          now,
        });
        await recordAudit(trx, actor, 'comment.edit', `comment:${id}`, {
          article: row.article_id,
          previous: row.body_markdown,
          text: draft.body,
        });
        return row;
      });
      // Its text changed on every page showing it: pages and feeds render again.
      if (changed?.status === 'approved') events.emit('article.changed', { articleId: changed.article_id });
    },

    async commenterOf(id) {
      const row = await repo.findCommentById(db, id);
      return row ? { email: row.author_email, readerId: row.reader_id, name: row.author_name } : undefined;
    },

    async postAsStaff({ parentId, body }, author, actor) {
      const draft = validateComment({ authorName: author.name, authorEmail: author.email, body, parentId });
      const bodyHtml = renderCommentMarkdown(draft.body);
      const now = nowIso();
      const result = await db.transaction().execute(async (trx) => {
        const [parent] = await repo.lockComments(trx, [parentId]);
        if (!parent) throw new AppError('comment_not_found');
        if (parent.status === 'spam' || parent.status === 'trash') {
          throw new AppError('invalid_parent', 'Restore this comment before replying to it.', {
            body: 'Restore this comment before replying to it.',
          });
        }
        // The reply shows under its parent, so the parent must be public too.
        const approvedParent = parent.status === 'pending';
        if (approvedParent) {
          await repo.setCommentStatus(trx, [parent.id], 'approved', now);
          await spam.learn(trx, parent, 'ham');
          await recordAudit(trx, actor, 'comment.approved', `comment:${parent.id}`, {
            from: parent.status,
            article: parent.article_id,
            via: 'reply',
          });
        }
        const id = await repo.insertComment(trx, {
          article_id: parent.article_id,
          parent_id: parent.id,
          depth: parent.depth + 1,
          reader_id: null,
          author_name: draft.authorName,
          author_email: draft.authorEmail,
          author_url: null,
          body_markdown: draft.body,
          body_html: bodyHtml,
          staff_role: author.role,
          status: 'approved',
          held_reason: null,
          ip_hash: 'staff',
          user_agent: '',
          created_at: now,
          updated_at: now,
        });
        await articleStates.lockAll(trx, [parent.article_id]);
        await recountComments(trx, parent.article_id);
        await recordAudit(trx, actor, 'comment.reply', `comment:${id}`, {
          parent: parent.id,
          article: parent.article_id,
        });
        const reply = {
          id,
          article_id: parent.article_id,
          parent_id: parent.id,
          author_name: draft.authorName,
          author_email: draft.authorEmail,
          body_markdown: draft.body,
        };
        await notifier?.published(trx, approvedParent ? [parent, reply] : [reply]);
        if (approvedParent) await webhooks?.notify(trx, { event: 'comment.published', commentId: parent.id });
        await webhooks?.notify(trx, { event: 'comment.created', commentId: id });
        await webhooks?.notify(trx, { event: 'comment.published', commentId: id });
        return { id, articleId: parent.article_id, approvedParent };
      });
      notifier?.committed();
      if (result.approvedParent) events.emit('comment.published', { articleId: result.articleId, commentId: parentId });
      events.emit('comment.published', { articleId: result.articleId, commentId: result.id });
      return { id: result.id, status: 'approved' };
    },
  };
}

/** The form's checkbox sends "on"; the API sends true. */
function wantsReplies(value: unknown): boolean {
  return value === true || value === 'on' || value === 'true' || value === '1';
}
