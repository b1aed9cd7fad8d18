// External threads: the ratings and comments of pages Broadsheet does not render, one per page
// URL. A page on an allowed origin gets its thread the first time the embed asks for it.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { EventBus } from '../../events.ts';
import { nowIso, slugify } from '../../lib/text.ts';
import { scoreOf } from '../articles/article.model.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import * as repo from './external-thread.repository.ts';
import { embedOriginsOf, normaliseThreadUrl, type ThreadUrl } from './embed-urls.ts';

export interface ThreadRef {
  id: number;
  slug: string;
  url: string;
  title: string;
}

export interface ThreadCounts {
  commentCount: number;
  score: number | null;
  count: number;
}

export interface ExternalThreadService {
  /** EMBED_ORIGINS and the origins listed in the settings. */
  allowedOrigins(): ReadonlySet<string>;
  /** The normalised thread URL, or why it is refused. */
  threadUrl(raw: string): ThreadUrl;
  /** The thread of this page, made on first use; `title` names a new one (and replaces a stand-in title). */
  resolve(raw: string, title?: string): Promise<ThreadRef>;
  /**
   * Comment count and score of each thread URL asked for (zero for a page without a thread yet); invalid ones are left
   * out.
   */
  counts(raws: string[]): Promise<Map<string, ThreadCounts>>;
}

const TITLE_MAX = 200;

export function createExternalThreadService({
  db,
  readDb = db,
  events,
  settings,
  embedOrigins,
}: {
  db: Db;
  readDb?: Db;
  events: EventBus;
  settings: SettingsService;
  embedOrigins: readonly string[];
}): ExternalThreadService {
  const origins = embedOriginsOf(embedOrigins);
  const allowedOrigins = () => origins(settings.get().embedOrigins);
  const threadUrl = (raw: string) => normaliseThreadUrl(raw, allowedOrigins());

  return {
    allowedOrigins,
    threadUrl,

    async resolve(raw, title) {
      const parsed = threadUrl(raw);
      if (!parsed.ok) throw threadUrlError(parsed.problem);
      const cleanTitle = (title ?? '').replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX);
      let row = await repo.findThreadByUrl(db, parsed.url);
      if (!row) {
        // Until a page names it, a thread is called by its address.
        const name = cleanTitle || parsed.url.replace(/^https?:\/\//, '').slice(0, TITLE_MAX);
        const hash = createHash('sha256').update(parsed.url).digest('hex').slice(0, 10);
        let slug = `${slugify(name, 60) || 'thread'}-${hash}`;
        for (let n = 2; await repo.slugTaken(db, slug); n++) slug = `${slugify(name, 60) || 'thread'}-${hash}-${n}`;
        await repo.insertThreadIfAbsent(db, { url: parsed.url, title: name, slug, now: nowIso() });
        row = (await repo.findThreadByUrl(db, parsed.url))!;
      } else if (
        cleanTitle &&
        cleanTitle !== row.title &&
        row.title === parsed.url.replace(/^https?:\/\//, '').slice(0, TITLE_MAX)
      ) {
        await repo.setThreadTitle(db, row.id, cleanTitle, nowIso());
        row = { ...row, title: cleanTitle };
        events.emit('article.changed', { articleId: row.id });
      }
      return { id: row.id, slug: row.slug, url: parsed.url, title: row.title };
    },

    async counts(raws) {
      const wanted = new Map<string, string>();
      for (const raw of raws) {
        const parsed = threadUrl(raw);
        if (parsed.ok) wanted.set(raw, parsed.url);
      }
      const rows = new Map(
        (await repo.findThreadsByUrl(readDb, [...new Set(wanted.values())])).map((row) => [row.external_url, row]),
      );
      const result = new Map<string, ThreadCounts>();
      for (const [raw, url] of wanted) {
        const row = rows.get(url);
        result.set(
          raw,
          row
            ? {
                commentCount: row.comment_count,
                score: scoreOf(row.rating_sum, row.rating_count),
                count: row.rating_count,
              }
            : { commentCount: 0, score: null, count: 0 },
        );
      }
      return result;
    },
  };
}

export function threadUrlError(problem: 'invalid' | 'too_long' | 'origin_not_allowed'): AppError {
  if (problem === 'origin_not_allowed')
    return new AppError(
      'origin_not_allowed',
      'Comments and ratings may not be shown for pages of that site. An administrator can add its origin ' +
        'under Settings (Embed origins).',
    );
  return new AppError(
    'invalid_thread_url',
    problem === 'too_long'
      ? 'The page address is too long (at most 2,000 characters).'
      : 'The page address must be an http:// or https:// URL.',
  );
}
