// `broadsheet export --format json`: the whole site as one JSON document (docs/EXPORT.md), written
// as it is read. The layout is fixed so that it can also be read back a line at a time: line 1
// holds the header, settings and staff, line 2 opens "articles", then one article per line
// (with its comments and ratings), and the last line closes the document.
import type { ArticleBundle } from './export.repository.ts';
import { articleBundles, listStaff, readSettings } from './export.repository.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

export const JSON_EXPORT_FORMAT = 'broadsheet-export';
export const JSON_EXPORT_VERSION = 1;

export type Write = (chunk: string) => Promise<void>;

export interface ExportedComment {
  id: number;
  parentId: number | null;
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  bodyMarkdown: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  importKey: string | null;
}

export interface ExportedArticle {
  id: number;
  kind: string;
  slug: string;
  title: string;
  standfirst: string;
  bodyMarkdown: string;
  authorName: string;
  authorId: number | null;
  section: string;
  tags: string[];
  status: string;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  updateNote: string;
  commentsOpen: boolean;
  featuredImage: { key: string; alt: string } | null;
  review: { type: string; name: string; rating: number | null } | null;
  /** A static page's place in the footer menu. */
  menuOrder: number;
  legacyPaths: string[];
  importKey: string | null;
  rating: { baselineSum: number; baselineCount: number; sum: number; count: number };
  ratings: { readerId: string; value: number; createdAt: string; updatedAt: string }[];
  comments: ExportedComment[];
}

export interface ExportHeader {
  format: typeof JSON_EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  site: { url: string; title: string };
  settings: Record<string, unknown>;
  staff: { id: number; email: string; name: string; role: string; disabled: boolean; createdAt: string }[];
}

export function exportedArticle({ article: a, tags, comments, ratings, legacyPaths }: ArticleBundle): ExportedArticle {
  return {
    id: a.id,
    kind: a.kind,
    slug: a.slug,
    title: a.title,
    standfirst: a.standfirst,
    bodyMarkdown: a.body_markdown,
    authorName: a.author_name,
    authorId: a.author_id,
    section: a.section,
    tags,
    status: a.status,
    publishedAt: a.published_at,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
    updateNote: a.update_note,
    commentsOpen: a.comments_open !== 0,
    featuredImage: a.featured_image ? { key: a.featured_image, alt: a.featured_image_alt } : null,
    review:
      a.review_type || a.review_rating !== null
        ? { type: a.review_type, name: a.review_name, rating: a.review_rating }
        : null,
    menuOrder: a.menu_order,
    legacyPaths,
    importKey: a.import_key,
    rating: {
      baselineSum: a.rating_baseline_sum,
      baselineCount: a.rating_baseline_count,
      sum: a.rating_sum,
      count: a.rating_count,
    },
    ratings: ratings.map((r) => ({
      readerId: r.reader_id,
      value: r.value,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
    comments: comments.map((c) => ({
      id: c.id,
      parentId: c.parent_id,
      authorName: c.author_name,
      authorEmail: c.author_email,
      authorUrl: c.author_url,
      bodyMarkdown: c.body_markdown,
      status: c.status,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      importKey: c.import_key,
    })),
  };
}

export async function writeJsonExport(
  db: Kysely<Database>,
  site: { url: string },
  write: Write,
): Promise<{ articles: number; comments: number }> {
  const settings = await readSettings(db);
  const header: ExportHeader = {
    format: JSON_EXPORT_FORMAT,
    version: JSON_EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    site: { url: site.url, title: typeof settings.siteTitle === 'string' ? settings.siteTitle : '' },
    settings,
    staff: (await listStaff(db)).map((u) => ({
      id: u.id,
      email: u.email,
      name: u.display_name,
      role: u.role,
      disabled: u.disabled !== 0,
      createdAt: u.created_at,
    })),
  };
  await write(`${JSON.stringify(header).slice(0, -1)},\n"articles":[\n`);
  let articles = 0;
  let comments = 0;
  for await (const bundles of articleBundles(db)) {
    let chunk = '';
    for (const bundle of bundles) {
      chunk += `${articles === 0 ? '' : ',\n'}${JSON.stringify(exportedArticle(bundle))}`;
      articles++;
      comments += bundle.comments.length;
    }
    await write(chunk);
  }
  await write(`${articles === 0 ? '' : '\n'}]}\n`);
  return { articles, comments };
}
