// The columns of an article row derived from others, so they never disagree: the archive slugs of
// the section and author names, and the body's plain text (what search indexes). Pure, so that an
// import's worker thread can derive them off the thread that writes.
import { htmlToText } from '../../lib/html-text.ts';
import { archiveSlug } from '../../lib/text.ts';
import type { ArticleRowUpdate } from './article.table.ts';

/** The changes with their derived columns added; a derived column given already is kept. */
export function withDerivedColumns<T extends ArticleRowUpdate>(changes: T): T {
  const derived: ArticleRowUpdate = {};
  if (typeof changes.section === 'string' && changes.section_slug === undefined)
    derived.section_slug = archiveSlug(changes.section);
  if (typeof changes.author_name === 'string' && changes.author_slug === undefined)
    derived.author_slug = archiveSlug(changes.author_name);
  if (typeof changes.body_html === 'string' && changes.body_text === undefined)
    derived.body_text = htmlToText(changes.body_html);
  return { ...changes, ...derived };
}
