// The article editor: Markdown beside its preview, the article's details, a featured image,
// and one submit button per action in a publishing panel that stays in view. Works as a plain
// form; editor.ts makes the preview live and adds a Markdown toolbar.
import type { FieldErrors } from '../../errors.ts';
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime } from '../../views/html.ts';
import { FieldError } from '../staff/staff.views.tsx';
import { editorialStatus, type EditableArticle } from './article-editor.model.ts';
import { zoneAbbreviation } from '../../lib/time-zone.ts';
import { LIMITS, REVIEW_RATING_MAX, toZonedInput, type ArticleForm } from './article-editor-validation.ts';
import { articlePath, pagePath, REVIEW_TYPES } from '../articles/article.model.ts';
import { heightAt, mediaPath } from '../media/featured-image.ts';
import { IMAGE_FIELD } from '../media/media-store.ts';

export interface EditorPageProps {
  frame: AdminFrame;
  scriptPath: string;
  /** Null for a new article. */
  article: EditableArticle | null;
  form: ArticleForm;
  /** The version this form edits (hidden field; a save over a newer one is refused). */
  updatedAt: string;
  errors: FieldErrors;
  message?: { ok: boolean; text: string };
  previewHtml: string;
  sections: string[];
  canEdit: boolean;
  canPublish: boolean;
  now: string;
}

/** aria attributes tying a control to its hint and its error. */
function describedBy(field: string, errors: FieldErrors, hint = false) {
  const ids = [errors[field] ? `${field}-error` : '', hint ? `${field}-hint` : ''].filter(Boolean).join(' ');
  return { ...(errors[field] ? { 'aria-invalid': true as const } : {}), ...(ids ? { 'aria-describedby': ids } : {}) };
}

/** What the error summary calls each field (its link goes to the control, whose id is the field's name). */
const FIELD_LABELS: Record<string, string> = {
  title: 'Headline',
  slug: 'Address (slug)',
  standfirst: 'Standfirst',
  body: 'Article',
  section: 'Section',
  tags: 'Tags',
  authorName: 'Byline',
  updateNote: 'Update note',
  [IMAGE_FIELD]: 'Featured image',
  imageAlt: 'Image description',
  publishAt: 'Publish at',
  reviewType: 'This article reviews',
  reviewName: 'Name of what it reviews',
  reviewRating: 'Review rating',
  kind: 'Kind',
  menuOrder: 'Place in the footer menu',
};

export const STATUS_LABELS = {
  draft: 'Draft',
  review: 'Submitted for review',
  scheduled: 'Scheduled',
  published: 'Published',
} as const;

function StatusLine({ article, now }: { article: EditableArticle; now: string }) {
  const status = editorialStatus(article, now);
  return (
    <p class="editor-status">
      <strong>{STATUS_LABELS[status]}</strong>
      {status === 'scheduled' && article.publishedAt ? ` for ${formatDateTime(article.publishedAt)}` : ''}
      {status === 'published' && article.publishedAt ? ` ${formatDateTime(article.publishedAt)}` : ''} · last saved{' '}
      {formatDateTime(article.updatedAt)} · <a href={`/admin/articles/${article.id}/revisions`}>Revisions</a>
      {status === 'published' ? (
        <>
          {' '}
          · <a href={article.kind === 'page' ? pagePath(article.slug) : articlePath(article.slug)}>View on the site</a>
        </>
      ) : null}
    </p>
  );
}

function Buttons({ article, canPublish, now }: { article: EditableArticle | null; canPublish: boolean; now: string }) {
  const status = article ? editorialStatus(article, now) : 'draft';
  const live = status === 'published';
  return (
    <div class="editor-actions">
      {/* First in the form, so pressing Enter in a text field previews rather than saves. */}
      <button type="submit" name="action" value="preview" class="secondary">
        Preview
      </button>
      <button type="submit" name="action" value="save" class={canPublish && !live ? 'secondary' : undefined}>
        {live ? 'Update' : status === 'scheduled' ? 'Save (stays scheduled)' : 'Save draft'}
      </button>
      {!canPublish && (status === 'draft' || status === 'review') ? (
        <button type="submit" name="action" value="submit">
          {status === 'review' ? 'Save and submit again' : 'Submit for review'}
        </button>
      ) : null}
      {canPublish && !live ? (
        <button type="submit" name="action" value="publish">
          Publish now
        </button>
      ) : null}
      {canPublish ? (
        <button type="submit" name="action" value="schedule" class="secondary">
          {status === 'scheduled' ? 'Reschedule' : 'Schedule'}
        </button>
      ) : null}
      {canPublish && article && article.status !== 'draft' ? (
        <button type="submit" name="action" value="unpublish" class="secondary">
          Unpublish
        </button>
      ) : null}
    </div>
  );
}

/** An article, or a static page (About, Corrections…): never listed, linked from the footer menu in its order. */
function KindFields({ form, errors }: { form: ArticleForm; errors: FieldErrors }) {
  return (
    <fieldset class="kind-fields">
      <legend>Kind</legend>
      <p class="field">
        <label for="kind">This is…</label>
        <select id="kind" name="kind" {...describedBy('kind', errors, true)}>
          <option value="article" selected={form.kind !== 'page'}>
            A news article
          </option>
          <option value="page" selected={form.kind === 'page'}>
            A static page
          </option>
        </select>
        <FieldError field="kind" errors={errors} />
        <span class="hint" id="kind-hint">
          A static page (About, Corrections…) lives at /pages/its-slug, is never listed with the news, and is linked
          from every page's footer.
        </span>
      </p>
      <p class="field">
        <label for="menuOrder">Place in the footer menu</label>
        <input
          id="menuOrder"
          name="menuOrder"
          type="number"
          min={-999}
          max={999}
          step={1}
          value={form.menuOrder}
          {...describedBy('menuOrder', errors, true)}
        />
        <FieldError field="menuOrder" errors={errors} />
        <span class="hint" id="menuOrder-hint">
          Static pages only: lower numbers come first.
        </span>
      </p>
    </fieldset>
  );
}

/** Marks the article as a review of a thing, so search engines may show readers' score beside it. */
function ReviewFields({ form, errors }: { form: ArticleForm; errors: FieldErrors }) {
  const known = form.reviewType === '' || Object.hasOwn(REVIEW_TYPES, form.reviewType);
  return (
    <fieldset class="review-fields">
      <legend>Review</legend>
      <p class="field">
        <label for="reviewType">This article reviews…</label>
        <select id="reviewType" name="reviewType" {...describedBy('reviewType', errors, true)}>
          <option value="" selected={form.reviewType === ''}>
            Not a review
          </option>
          {Object.entries(REVIEW_TYPES).map(([type, label]) => (
            <option value={type} selected={form.reviewType === type}>
              {label}
            </option>
          ))}
          {/* A value that is not offered is shown as sent, beside its error, rather than silently changed. */}
          {known ? null : (
            <option value={form.reviewType} selected>
              {form.reviewType}
            </option>
          )}
        </select>
        <FieldError field="reviewType" errors={errors} />
        <span class="hint" id="reviewType-hint">
          For a review of a book, a film, a product…: search engines may then show readers' score with it.
        </span>
      </p>
      <p class="field">
        <label for="reviewName">Name of what it reviews</label>
        <input
          id="reviewName"
          name="reviewName"
          type="text"
          maxLength={LIMITS.reviewName}
          value={form.reviewName}
          {...describedBy('reviewName', errors, true)}
        />
        <FieldError field="reviewName" errors={errors} />
        <span class="hint" id="reviewName-hint">
          The book's title, the film's, the product's name.
        </span>
      </p>
      <p class="field">
        <label for="reviewRating">Review rating (0–{REVIEW_RATING_MAX})</label>
        <input
          id="reviewRating"
          name="reviewRating"
          type="number"
          inputMode="numeric"
          min={0}
          max={REVIEW_RATING_MAX}
          step={1}
          value={form.reviewRating}
          {...describedBy('reviewRating', errors, true)}
        />
        <FieldError field="reviewRating" errors={errors} />
        <span class="hint" id="reviewRating-hint">
          The review's own verdict out of {REVIEW_RATING_MAX} (e.g. 80 for four stars of five), shown with readers'
          score when the article is marked as a review; leave it empty for none.
        </span>
      </p>
    </fieldset>
  );
}

function ImageFields({
  article,
  form,
  errors,
}: {
  article: EditableArticle | null;
  form: ArticleForm;
  errors: FieldErrors;
}) {
  const image = article?.featuredImage;
  return (
    <fieldset class="image-fields">
      <legend>Featured image</legend>
      {image ? (
        <div class="current-image">
          <img
            src={mediaPath(image.key, image.widths[0]!)}
            width={image.widths[0]}
            height={heightAt(image, image.widths[0]!)}
            alt={image.alt}
          />
          <label>
            <input type="checkbox" name="removeImage" value="1" checked={form.removeImage} /> Remove this image
          </label>
        </div>
      ) : null}
      <p class="field">
        <label for={IMAGE_FIELD}>{image ? 'Replace with a new image' : 'Image file'}</label>
        <input
          id={IMAGE_FIELD}
          name={IMAGE_FIELD}
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif"
          {...describedBy(IMAGE_FIELD, errors, true)}
        />
        <FieldError field={IMAGE_FIELD} errors={errors} />
        <span class="hint" id={`${IMAGE_FIELD}-hint`}>
          JPEG, PNG, WebP or GIF, up to 8 MB.
        </span>
      </p>
      <p class="field">
        <label for="imageAlt">Image description (alt text)</label>
        <input
          id="imageAlt"
          name="imageAlt"
          type="text"
          maxLength={LIMITS.imageAlt}
          value={form.imageAlt}
          {...describedBy('imageAlt', errors, true)}
        />
        <FieldError field="imageAlt" errors={errors} />
        <span class="hint" id="imageAlt-hint">
          What the image shows, for people who cannot see it.
        </span>
      </p>
    </fieldset>
  );
}

/** The wall-clock time to offer for scheduling: the next whole hour at least half an hour away. */
function suggestedPublishAt(now: string, zone: string): string {
  const hour = 3_600_000;
  return toZonedInput(new Date(Math.ceil((Date.parse(now) + hour / 2) / hour) * hour).toISOString(), zone);
}

/** Status, schedule and the actions: first in the form, kept in view beside it on wide screens. */
function PublishPanel({
  article,
  form,
  errors,
  canEdit,
  canPublish,
  now,
  zone,
}: Pick<EditorPageProps, 'article' | 'form' | 'errors' | 'canEdit' | 'canPublish' | 'now'> & { zone: string }) {
  return (
    <section class="publish-panel" aria-labelledby="publish-heading">
      <h2 id="publish-heading">Publishing</h2>
      {article ? (
        <StatusLine article={article} now={now} />
      ) : (
        <p class="editor-status">
          <strong>New</strong> · not saved yet
        </p>
      )}
      {canPublish ? (
        <p class="field">
          <label for="publishAt">Publish at, for Schedule</label>
          <input
            id="publishAt"
            name="publishAt"
            type="datetime-local"
            step={60}
            value={form.publishAt || suggestedPublishAt(now, zone)}
            {...describedBy('publishAt', errors, true)}
          />
          <FieldError field="publishAt" errors={errors} />
          <span class="hint" id="publishAt-hint">
            Site time ({zone}, {zoneAbbreviation(zone, Date.parse(now))} now). It is {formatDateTime(now)}.
          </span>
        </p>
      ) : null}
      {canEdit ? <Buttons article={article} canPublish={canPublish} now={now} /> : null}
    </section>
  );
}

export function EditorPage(props: EditorPageProps) {
  const { frame, article, form, errors, message, canEdit, canPublish, now } = props;
  const title = article ? `Edit: ${article.title}` : 'New article';
  const action = article ? `/admin/articles/${article.id}` : '/admin/articles';
  const errorCount = Object.keys(errors).length;
  const zone = frame.context.settings.timeZone;
  return (
    <AdminLayout frame={frame} title={title} active="/admin/articles" scripts={[props.scriptPath]}>
      <p class="breadcrumbs">
        <a href="/admin/articles">Articles</a>
      </p>
      <h1>{article ? 'Edit article' : 'New article'}</h1>
      {message ? (
        <p class={message.ok ? 'notice' : 'error-summary'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      ) : errorCount > 0 ? (
        <div class="error-summary" role="alert">
          <p>
            {errorCount === 1 ? 'One field needs attention.' : `${errorCount} fields need attention.`} Nothing was
            saved.
          </p>
          <ul>
            {Object.entries(errors).map(([field, text]) =>
              Object.hasOwn(FIELD_LABELS, field) ? (
                <li>
                  <a href={`#${field}`}>{FIELD_LABELS[field]}</a>: {text}
                </li>
              ) : (
                <li>{text}</li>
              ),
            )}
          </ul>
        </div>
      ) : null}
      {!canEdit ? (
        <p class="notice">This article is scheduled or published: only an editor can change it now.</p>
      ) : null}
      <form method="post" action={action} enctype="multipart/form-data" class="editor-form" data-editor>
        <input type="hidden" name="_csrf" value={frame.csrf} />
        <input type="hidden" name="updatedAt" value={props.updatedAt} />
        <fieldset class="plain editor-layout" disabled={!canEdit}>
          <PublishPanel
            article={article}
            form={form}
            errors={errors}
            canEdit={canEdit}
            canPublish={canPublish}
            now={now}
            zone={zone}
          />
          <div class="editor-main">
            <p class="field">
              <label for="title">Headline</label>
              <input
                id="title"
                name="title"
                type="text"
                required
                maxLength={LIMITS.title}
                value={form.title}
                {...describedBy('title', errors)}
              />
              <FieldError field="title" errors={errors} />
            </p>
            <p class="field">
              <label for="slug">Address (slug)</label>
              <input
                id="slug"
                name="slug"
                type="text"
                maxLength={LIMITS.slug}
                value={form.slug}
                spellcheck={false}
                autocomplete="off"
                {...describedBy('slug', errors, true)}
              />
              <FieldError field="slug" errors={errors} />
              <span class="hint" id="slug-hint">
                The article's address: /articles/<em>slug</em>. Leave empty to make one from the headline.
              </span>
            </p>
            <p class="field">
              <label for="standfirst">Standfirst</label>
              <textarea
                id="standfirst"
                name="standfirst"
                rows={2}
                maxLength={LIMITS.standfirst}
                {...describedBy('standfirst', errors)}
              >
                {form.standfirst}
              </textarea>
              <FieldError field="standfirst" errors={errors} />
            </p>
            <div class="editor-columns">
              <p class="field">
                <label for="body">Article (Markdown)</label>
                <textarea
                  id="body"
                  name="body"
                  rows={22}
                  class="markdown"
                  data-markdown-source
                  data-preview-url="/admin/preview"
                  {...describedBy('body', errors, true)}
                >
                  {form.body}
                </textarea>
                <FieldError field="body" errors={errors} />
                <span class="hint" id="body-hint">
                  Blank line between paragraphs; ## for a subheading; **bold**, _italic_, [link](https://…), &gt; quote.
                </span>
              </p>
              <section class="editor-preview" aria-labelledby="preview-heading" tabIndex={0}>
                <h2 id="preview-heading">Preview</h2>
                <div class="article-body" data-preview dangerouslySetInnerHTML={{ __html: props.previewHtml }} />
              </section>
            </div>
            <div class="editor-details">
              <p class="field">
                <label for="section">Section</label>
                <input
                  id="section"
                  name="section"
                  type="text"
                  list="sections"
                  maxLength={LIMITS.section}
                  value={form.section}
                  {...describedBy('section', errors)}
                />
                <datalist id="sections">
                  {props.sections.map((s) => (
                    <option value={s} />
                  ))}
                </datalist>
                <FieldError field="section" errors={errors} />
              </p>
              <p class="field">
                <label for="tags">Tags</label>
                <input id="tags" name="tags" type="text" value={form.tags} {...describedBy('tags', errors, true)} />
                <FieldError field="tags" errors={errors} />
                <span class="hint" id="tags-hint">
                  Separated by commas.
                </span>
              </p>
              <p class="field">
                <label for="authorName">Byline</label>
                <input
                  id="authorName"
                  name="authorName"
                  type="text"
                  maxLength={LIMITS.authorName}
                  value={form.authorName}
                  {...describedBy('authorName', errors)}
                />
                <FieldError field="authorName" errors={errors} />
              </p>
              <p class="field">
                <label for="updateNote">Update note</label>
                <textarea
                  id="updateNote"
                  name="updateNote"
                  rows={2}
                  maxLength={LIMITS.updateNote}
                  {...describedBy('updateNote', errors, true)}
                >
                  {form.updateNote}
                </textarea>
                <FieldError field="updateNote" errors={errors} />
                <span class="hint" id="updateNote-hint">
                  Shown to readers as "Updated (date): …" when a published article changes in substance.
                </span>
              </p>
              <KindFields form={form} errors={errors} />
              <ReviewFields form={form} errors={errors} />
              <ImageFields article={article} form={form} errors={errors} />
            </div>
          </div>
        </fieldset>
      </form>
    </AdminLayout>
  );
}
