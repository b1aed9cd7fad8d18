// The article form as typed, and its checks: each problem is a message beside its field.
import type { FieldErrors } from '../../errors.ts';
import { fromWallClock, toWallClock } from '../../lib/time-zone.ts';
import type { EditorAction } from './article-editor.model.ts';
import { isReviewType, type ReviewedThing } from '../articles/article.model.ts';

/** The form's fields exactly as the person typed them (kept for showing the form again). */
export interface ArticleForm {
  title: string;
  slug: string;
  standfirst: string;
  body: string;
  section: string;
  /** Comma-separated. */
  tags: string;
  authorName: string;
  updateNote: string;
  imageAlt: string;
  removeImage: boolean;
  /** `YYYY-MM-DDTHH:MM` in the site's time zone, from a datetime-local input. */
  publishAt: string;
  /** The schema.org type of the thing the article reviews; empty when it is no review. */
  reviewType: string;
  reviewName: string;
  /** The review's own rating, 0–100, as typed; empty when it has none. */
  reviewRating: string;
  /** 'article', or 'page' for a static page (/pages/<slug>, in the footer menu). */
  kind: string;
  /** A static page's place in the footer menu, as typed. */
  menuOrder: string;
}

export interface CleanArticle {
  title: string;
  /** Empty: make one from the title. */
  slug: string;
  standfirst: string;
  bodyMarkdown: string;
  section: string;
  tags: string[];
  authorName: string;
  updateNote: string;
  imageAlt: string;
  /** ISO time, for the schedule action. */
  publishAt: string | null;
  review: ReviewedThing | null;
  /** Kept without a review too (an import may carry one), but shown only with it. */
  reviewRating: number | null;
  kind: 'article' | 'page';
  menuOrder: number;
}

export const LIMITS = {
  title: 300,
  slug: 100,
  standfirst: 600,
  body: 200_000,
  section: 60,
  tag: 40,
  tags: 12,
  authorName: 120,
  updateNote: 500,
  imageAlt: 250,
  reviewName: 200,
};

/** The review's own rating is a percentage, the scale of the page's JSON-LD and WP Review's editor score. */
export const REVIEW_RATING_MAX = 100;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function emptyForm(authorName = ''): ArticleForm {
  return {
    title: '',
    slug: '',
    standfirst: '',
    body: '',
    section: '',
    tags: '',
    authorName,
    updateNote: '',
    imageAlt: '',
    removeImage: false,
    publishAt: '',
    reviewType: '',
    reviewName: '',
    reviewRating: '',
    kind: 'article',
    menuOrder: '0',
  };
}

/**
 * Reads a `YYYY-MM-DDTHH:MM` wall-clock time in `zone` as an exact instant (ISO, UTC). A time
 * the clocks skip (spring forward) is refused with a message saying so; one they pass twice
 * (fall back) is the first of the two.
 */
export function parseZonedTime(value: string, zone: string): { iso: string } | { error: string } {
  const m = LOCAL_TIME.exec(value.trim().replace(' ', 'T'));
  const invalid = { error: 'Enter a date and time such as 2026-12-01T09:30.' };
  if (!m) return invalid;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.UTC rolls 31 February into March: refuse what does not round-trip.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return invalid;
  const result = fromWallClock({ year, month, day, hour, minute }, zone);
  if ('nonexistent' in result) {
    const shown = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    return {
      error:
        `${shown} does not exist on ${date.toISOString().slice(0, 10)} in ${zone}: the clocks go forward then. ` +
        `Choose a time outside the skipped hour.`,
    };
  }
  return { iso: result.instant.toISOString() };
}

/** The value a datetime-local input shows for an ISO time: the wall clock in `zone`, to the minute. */
export function toZonedInput(iso: string | null, zone: string): string {
  return iso ? toWallClock(iso, zone) : '';
}

export function splitTags(text: string): string[] {
  const seen = new Map<string, string>();
  for (const raw of text.split(',')) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()];
}

function tooLong(limit: number): string {
  return `Keep this under ${limit.toLocaleString('en')} characters.`;
}

/**
 * Checks the form for an action. `hasImage` says whether the article will have a featured
 * image after this save (its alt text is then required).
 */
export function validateArticle(
  form: ArticleForm,
  action: EditorAction,
  now: string,
  hasImage: boolean,
  timeZone: string,
): { clean: CleanArticle; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = form.title.trim();
  const slug = form.slug.trim().toLowerCase();
  const body = form.body.replace(/\r\n?/g, '\n');
  const tags = splitTags(form.tags);
  const imageAlt = form.imageAlt.trim();

  if (!title) errors.title = 'Give the article a headline.';
  else if (title.length > LIMITS.title) errors.title = tooLong(LIMITS.title);
  if (slug && (!SLUG.test(slug) || slug.length > LIMITS.slug)) {
    errors.slug =
      `Use lower-case letters, digits and single hyphens (e.g. council-approves-budget), up to ${LIMITS.slug} ` +
      `characters, or leave it empty.`;
  }
  if (form.standfirst.trim().length > LIMITS.standfirst) errors.standfirst = tooLong(LIMITS.standfirst);
  if (body.length > LIMITS.body) errors.body = tooLong(LIMITS.body);
  else if (!body.trim() && (action === 'publish' || action === 'schedule'))
    errors.body = 'Write the article before publishing it.';
  if (form.section.trim().length > LIMITS.section) errors.section = tooLong(LIMITS.section);
  if (tags.length > LIMITS.tags) errors.tags = `Use at most ${LIMITS.tags} tags.`;
  else if (tags.some((t) => t.length > LIMITS.tag)) errors.tags = `Keep each tag under ${LIMITS.tag} characters.`;
  if (form.authorName.trim().length > LIMITS.authorName) errors.authorName = tooLong(LIMITS.authorName);
  if (form.updateNote.trim().length > LIMITS.updateNote) errors.updateNote = tooLong(LIMITS.updateNote);
  if (imageAlt.length > LIMITS.imageAlt) errors.imageAlt = tooLong(LIMITS.imageAlt);
  else if (hasImage && !imageAlt) errors.imageAlt = 'Describe the image for people who cannot see it.';

  const reviewType = form.reviewType.trim();
  const reviewName = form.reviewName.trim().replace(/\s+/g, ' ');
  if (reviewType && !isReviewType(reviewType)) errors.reviewType = 'Choose one of the listed kinds, or “Not a review”.';
  else if (!reviewType && reviewName)
    errors.reviewType = 'Choose what kind of thing the article reviews, or clear the name.';
  if (reviewName.length > LIMITS.reviewName) errors.reviewName = tooLong(LIMITS.reviewName);
  else if (reviewType && isReviewType(reviewType) && !reviewName)
    errors.reviewName = 'Name what the article reviews (the book’s title, the film’s…).';

  const ratingText = form.reviewRating.trim();
  const reviewRating = /^\d{1,3}$/.test(ratingText) ? Number(ratingText) : null;
  if (ratingText && (reviewRating === null || reviewRating > REVIEW_RATING_MAX))
    errors.reviewRating = `Enter a whole number from 0 to ${REVIEW_RATING_MAX}, or leave it empty.`;

  let publishAt: string | null = null;
  if (action === 'schedule') {
    const parsed = form.publishAt.trim() ? parseZonedTime(form.publishAt, timeZone) : null;
    if (!parsed) errors.publishAt = 'Choose when to publish it.';
    else if ('error' in parsed) errors.publishAt = parsed.error;
    else if (parsed.iso <= now) errors.publishAt = 'Choose a time in the future.';
    else publishAt = parsed.iso;
  }

  const kind = form.kind === 'page' ? 'page' : 'article';
  if (form.kind !== 'page' && form.kind !== 'article' && form.kind !== '')
    errors.kind = 'Choose an article or a static page.';
  const menuOrder = form.menuOrder.trim() === '' ? 0 : Number(form.menuOrder.trim());
  if (!Number.isInteger(menuOrder) || menuOrder < -999 || menuOrder > 999)
    errors.menuOrder = 'Enter a whole number from -999 to 999.';

  return {
    clean: {
      kind,
      menuOrder: Number.isInteger(menuOrder) ? menuOrder : 0,
      title,
      slug,
      standfirst: form.standfirst.trim(),
      bodyMarkdown: body,
      section: form.section.trim(),
      tags,
      authorName: form.authorName.trim(),
      updateNote: form.updateNote.trim(),
      imageAlt,
      publishAt,
      review: reviewType && isReviewType(reviewType) && reviewName ? { type: reviewType, name: reviewName } : null,
      reviewRating,
    },
    errors,
  };
}
