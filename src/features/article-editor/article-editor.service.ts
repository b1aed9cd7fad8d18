// Writing articles in the admin area: create, save (refusing to overwrite someone else's newer
// save), submit, publish, schedule, unpublish, revisions and restore. One transaction per
// save, with its revision and audit entry; the page cache hears about it after the commit.
// The public side (reading what is published) stays in article.service.ts.
import { isUniqueViolation, type Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { renderArticleMarkdown } from '../../lib/markdown.ts';
import { nowIso, slugify } from '../../lib/text.ts';
import { formatDateTime } from '../../views/html.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { WebhookNotifier } from '../webhooks/webhook-notifier.ts';
import { actorOf, type StaffUser } from '../staff/staff.service.ts';
import {
  toArticleRevision,
  toEditableArticle,
  type ArticleRevision,
  type EditableArticle,
  type EditorAction,
} from './article-editor.model.ts';
import { actionProblem, editProblem, isEditor, viewProblem } from './article-editor-policy.ts';
import * as editorRepo from './article-editor.repository.ts';
import { validateArticle, type ArticleForm } from './article-editor-validation.ts';
import { reviewOf } from '../articles/article.model.ts';
import * as repo from '../articles/article.repository.ts';
import type { ArticleRow, ArticleStatus } from '../articles/article.table.ts';
import { imageTooLarge, type MediaStore, type ProcessedImage } from '../media/media-store.ts';

export interface SaveInput {
  form: ArticleForm;
  action: EditorAction;
  /** A new featured image's bytes, or 'too_large' when the upload went over the limit. */
  image?: Buffer | 'too_large';
}

/** Someone saved the article after the editor was opened: who and when. */
export interface EditConflict {
  savedAt: string;
  savedBy: string | null;
}

export type SaveResult =
  | { article: EditableArticle; conflict?: undefined }
  | { conflict: EditConflict; article?: undefined };

export interface ArticleEditorService {
  /** Editors see every article; an author sees their own and what is published (not colleagues' drafts). */
  list(filters: editorRepo.AdminListFilters, user: StaffUser): Promise<{ items: EditableArticle[]; total: number }>;
  sections(): Promise<string[]>;
  get(id: number, user: StaffUser): Promise<EditableArticle>;
  create(input: SaveInput, user: StaffUser): Promise<EditableArticle>;
  /** Saves over the version the editor loaded (`expectedUpdatedAt`), or reports a conflict. */
  update(id: number, expectedUpdatedAt: string, input: SaveInput, user: StaffUser): Promise<SaveResult>;
  revisions(id: number, user: StaffUser): Promise<{ article: EditableArticle; revisions: ArticleRevision[] }>;
  /** Saves the revision's text as the current version (a new revision, nothing is lost). */
  restore(id: number, revisionId: number, user: StaffUser): Promise<EditableArticle>;
  preview(markdown: string): string;
}

class Conflict extends Error {}

const NOTES: Record<EditorAction, string> = {
  save: 'Saved',
  submit: 'Submitted for review',
  publish: 'Published',
  schedule: 'Scheduled',
  unpublish: 'Unpublished',
};

/** A strictly later time than `previous`, so two saves in one millisecond still differ. */
function laterThan(previous: string | undefined, now: string): string {
  return previous && now <= previous ? new Date(Date.parse(previous) + 1).toISOString() : now;
}

/** The audit detail of a change to the review's own rating; nothing when it stayed. */
function ratingChangeOf(before: number | null, after: number | null): { reviewRating?: string } {
  return before === after ? {} : { reviewRating: `${before ?? 'none'} → ${after ?? 'none'}` };
}

function isLive(row: ArticleRow, now: string): boolean {
  return (
    row.status === 'published' || (row.status === 'scheduled' && row.published_at !== null && row.published_at <= now)
  );
}

/** Status, publication and submission times after an action. */
function transition(current: ArticleRow | null, action: EditorAction, publishAt: string | null, now: string) {
  type T = { status: ArticleStatus; published_at: string | null; submitted_at: string | null };
  const keep: T = current
    ? { status: current.status, published_at: current.published_at, submitted_at: current.submitted_at }
    : { status: 'draft', published_at: null, submitted_at: null };
  switch (action) {
    case 'save':
      return keep;
    case 'submit':
      return keep.status === 'draft' ? { ...keep, submitted_at: now } : keep;
    case 'publish':
      return {
        status: 'published',
        published_at: current && isLive(current, now) ? current.published_at : now,
        submitted_at: null,
      } satisfies T;
    case 'schedule':
      return { status: 'scheduled', published_at: publishAt, submitted_at: null } satisfies T;
    case 'unpublish':
      return { status: 'draft', published_at: null, submitted_at: null } satisfies T;
  }
}

const ownerOf = (row: ArticleRow) => ({ authorId: row.author_id, status: row.status });

function slugTaken(): AppError {
  return new AppError('slug_taken', undefined, {
    slug: 'Another article already uses this address. Choose a different slug.',
  });
}

/** `timeZone` gives the site's zone, in which scheduled times are typed. */
export function createArticleEditorService({
  db,
  events,
  media,
  webhooks,
  timeZone,
}: {
  db: Db;
  events: EventBus;
  media: MediaStore;
  webhooks?: WebhookNotifier;
  timeZone: () => string;
}): ArticleEditorService {
  async function load(id: number): Promise<ArticleRow> {
    const row = await repo.findArticleById(db, id);
    if (!row) throw new AppError('article_not_found');
    return row;
  }

  async function editable(q: Db, id: number): Promise<EditableArticle> {
    const row = (await repo.findArticleById(q, id))!;
    return toEditableArticle(row, (await repo.findTags(q, [id])).get(id) ?? []);
  }

  async function uniqueSlug(q: Db, base: string, exceptId: number | undefined): Promise<string> {
    let slug = base;
    for (let n = 2; await repo.slugExists(q, slug, exceptId); n++) slug = `${base}-${n}`;
    return slug;
  }

  async function save(
    current: ArticleRow | null,
    expectedUpdatedAt: string | null,
    input: SaveInput,
    user: StaffUser,
  ): Promise<SaveResult> {
    // Order matters: refuse what is not allowed before reading the upload, and check every field
    // before any file is written, so a refused save leaves nothing behind.
    const problem = editProblem(user, current && ownerOf(current)) ?? actionProblem(user, input.action);
    if (problem) throw new AppError('forbidden', problem);
    if (input.image === 'too_large') throw imageTooLarge();
    const now = nowIso();
    const keepsImage = !!current?.featured_image && !input.form.removeImage;
    const { clean, errors } = validateArticle(
      input.form,
      input.action,
      now,
      input.image !== undefined || keepsImage,
      timeZone(),
    );
    if (Object.keys(errors).length > 0) throw new AppError('validation_failed', undefined, errors);
    const image: ProcessedImage | null = input.image ? await media.process(input.image) : null;
    if (image) await media.write(image);

    const replacedImage = current?.featured_image && (image || input.form.removeImage) ? current.featured_image : null;
    try {
      const id = await db.transaction().execute(async (trx) => {
        // Locked (PostgreSQL): a concurrent save of the same article waits, then sees this one's
        // updated_at and reports the conflict; the conditional update below is the final guard.
        const fresh = current ? ((await repo.lockArticle(trx, current.id)) ?? null) : null;
        if (current && !fresh) throw new AppError('article_not_found');
        if (fresh && fresh.updated_at !== expectedUpdatedAt) throw new Conflict();
        let slug = clean.slug;
        if (!slug) slug = await uniqueSlug(trx, slugify(clean.title), fresh?.id);
        else if (await repo.slugExists(trx, slug, fresh?.id)) throw slugTaken();
        const featured = image ? image.key : keepsImage ? fresh!.featured_image : null;
        const fields = {
          slug,
          title: clean.title,
          standfirst: clean.standfirst,
          body_markdown: clean.bodyMarkdown,
          body_html: renderArticleMarkdown(clean.bodyMarkdown),
          author_name: clean.authorName,
          section: clean.section,
          update_note: clean.updateNote,
          featured_image: featured,
          featured_image_alt: featured ? clean.imageAlt : '',
          review_type: clean.review?.type ?? '',
          review_name: clean.review?.name ?? '',
          review_rating: clean.reviewRating,
          // An external thread stays one; otherwise the editor chooses article or static page.
          ...(fresh?.kind === 'external' ? {} : { kind: clean.kind }),
          menu_order: clean.menuOrder,
          ...transition(fresh, input.action, clean.publishAt, now),
          updated_at: laterThan(fresh?.updated_at, now),
        };
        let id: number;
        if (fresh) {
          id = fresh.id;
          // The text as it was before its first save here (an import, demo content) is kept too.
          if (!(await editorRepo.latestRevision(trx, id)))
            await keepRevision(trx, fresh, null, fresh.updated_at, 'Before the first edit in the admin area');
          if (!(await editorRepo.updateArticleIfUnchanged(trx, id, expectedUpdatedAt!, fields))) throw new Conflict();
        } else {
          id = await repo.insertArticle(trx, { ...fields, author_id: user.id, import_key: null, created_at: now });
        }
        await repo.replaceTags(trx, id, clean.tags);
        const when = clean.publishAt ? ` for ${formatDateTime(clean.publishAt, timeZone())}` : '';
        const note = fresh ? `${NOTES[input.action]}${when}` : `Created (${NOTES[input.action].toLowerCase()}${when})`;
        await editorRepo.insertRevision(trx, {
          articleId: id,
          ...clean,
          savedBy: user.id,
          savedAt: fields.updated_at,
          note,
        });
        const imageChange = image ? { image: 'added' } : replacedImage ? { image: 'removed' } : {};
        // The revision holds the rating; the audit entry names the change, as it names an image's.
        const ratingChange = ratingChangeOf(fresh?.review_rating ?? null, clean.reviewRating);
        await recordAudit(trx, actorOf(user), fresh ? `article.${input.action}` : 'article.create', `article:${id}`, {
          action: input.action,
          status: fields.status,
          slug,
          ...imageChange,
          ...ratingChange,
        });
        // A scheduled article is announced when it is saved live; its time coming raises no event.
        const liveNow =
          fields.status === 'published' ||
          (fields.status === 'scheduled' && fields.published_at !== null && fields.published_at <= now);
        if (liveNow)
          await webhooks?.notify(trx, {
            event: fresh && isLive(fresh, now) ? 'article.updated' : 'article.published',
            articleId: id,
          });
        return id;
      });
      if (replacedImage) await media.remove(replacedImage);
      events.emit('article.changed', { articleId: id });
      return { article: await editable(db, id) };
    } catch (error) {
      if (image) await media.remove(image.key);
      if (error instanceof Conflict) {
        const latest = await editorRepo.latestRevision(db, current!.id);
        const row = await repo.findArticleById(db, current!.id);
        return { conflict: { savedAt: row?.updated_at ?? now, savedBy: latest?.saved_by_name ?? null } };
      }
      // Two saves racing for one slug: the unique index decides, and the loser hears why.
      if (isUniqueViolation(error, 'articles', 'slug')) throw slugTaken();
      throw error;
    }
  }

  async function keepRevision(
    q: Db,
    row: ArticleRow,
    savedBy: number | null,
    savedAt: string,
    note: string,
  ): Promise<void> {
    const tags = (await repo.findTags(q, [row.id])).get(row.id) ?? [];
    await editorRepo.insertRevision(q, {
      articleId: row.id,
      title: row.title,
      standfirst: row.standfirst,
      bodyMarkdown: row.body_markdown,
      section: row.section,
      tags,
      review: reviewOf(row.review_type, row.review_name),
      reviewRating: row.review_rating,
      savedBy,
      savedAt,
      note,
    });
  }

  return {
    async list(filters, user) {
      const visible = isEditor(user) ? filters : { ...filters, ownOrPublishedFor: user.id };
      const { rows, total } = await editorRepo.listArticlesForAdmin(db, visible, nowIso());
      const tags = await repo.findTags(
        db,
        rows.map((r) => r.id),
      );
      return { items: rows.map((row) => toEditableArticle(row, tags.get(row.id) ?? [])), total };
    },

    sections: () => editorRepo.listSections(db),

    async get(id, user) {
      const row = await load(id);
      const problem = viewProblem(user, ownerOf(row));
      if (problem) throw new AppError('forbidden', problem);
      return editable(db, id);
    },

    create: async (input, user) => (await save(null, null, input, user)).article!,

    async update(id, expectedUpdatedAt, input, user) {
      return save(await load(id), expectedUpdatedAt, input, user);
    },

    async revisions(id, user) {
      const article = await this.get(id, user);
      return { article, revisions: (await editorRepo.listRevisions(db, id)).map(toArticleRevision) };
    },

    async restore(id, revisionId, user) {
      const current = await load(id);
      const problem = editProblem(user, ownerOf(current));
      if (problem) throw new AppError('forbidden', problem);
      await db.transaction().execute(async (trx) => {
        const revision = await editorRepo.findRevision(trx, id, revisionId);
        if (!revision) throw new AppError('not_found', 'There is no such revision of this article.');
        const restored = toArticleRevision(revision);
        // Locked (PostgreSQL) so that two restores, or a restore and a save, cannot interleave.
        const fresh = (await repo.lockArticle(trx, id))!;
        const savedAt = laterThan(fresh.updated_at, nowIso());
        // A revision saved before revisions kept the rating does not know it (undefined): restoring
        // it keeps the current rating rather than clearing it. A recorded null does clear it.
        const reviewRating = restored.reviewRating === undefined ? fresh.review_rating : restored.reviewRating;
        await repo.updateArticle(trx, id, {
          title: restored.title,
          standfirst: restored.standfirst,
          body_markdown: restored.bodyMarkdown,
          body_html: renderArticleMarkdown(restored.bodyMarkdown),
          section: restored.section,
          review_type: restored.review?.type ?? '',
          review_name: restored.review?.name ?? '',
          review_rating: reviewRating,
          updated_at: savedAt,
        });
        await repo.replaceTags(trx, id, restored.tags);
        await editorRepo.insertRevision(trx, {
          ...restored,
          reviewRating,
          articleId: id,
          savedBy: user.id,
          savedAt,
          note: `Restored revision #${revisionId}`,
        });
        await recordAudit(trx, actorOf(user), 'article.restore', `article:${id}`, {
          revision: revisionId,
          ...ratingChangeOf(fresh.review_rating, reviewRating),
        });
        if (isLive(fresh, savedAt)) await webhooks?.notify(trx, { event: 'article.updated', articleId: id });
      });
      events.emit('article.changed', { articleId: id });
      return editable(db, id);
    },

    preview: (markdown) => renderArticleMarkdown(markdown),
  };
}
