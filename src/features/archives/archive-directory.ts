// The sections for the site header and the latest articles for the 404 page, kept in memory:
// the layout and the error page are rendered synchronously, on every page. Loaded at start,
// reloaded when an article changes (here or, through the event bus, on another instance), and
// after a minute, since a scheduled article's time coming raises no event.
import type { Db } from '../../db/database.ts';
import type { EventBus } from '../../events.ts';
import { nowIso } from '../../lib/text.ts';
import { articleLists } from '../articles/article-lists.ts';
import { archivePath, articlePath, pagePath } from '../articles/article.model.ts';
import { listMenuPages, listSections } from './archive.repository.ts';

export interface SectionLink {
  name: string;
  path: string;
}

/** A static page in the footer menu. */
export interface PageLink {
  title: string;
  path: string;
}

export interface ArticleLink {
  title: string;
  path: string;
  publishedAt: string | null;
}

export interface ArchiveDirectory {
  /** Sections with published articles, by name. The same array until its contents change. */
  sections(): SectionLink[];
  /** The five latest published articles. */
  latest(): ArticleLink[];
  /** Published static pages for the footer menu, in the admin's order. The same array until its contents change. */
  pages(): PageLink[];
  /**
   * A reload in progress, if any: requests wait for it, so a page asked for after a write's
   * response already lists what the write changed. Starts a reload when the lists are old.
   */
  settled(): Promise<void> | undefined;
  /** Stops reloading, once a reload in progress has finished (before the database closes). */
  close(): Promise<void>;
}

const MAX_AGE_MS = 60_000;
const LATEST = 5;

/**
 * Reads the primary (`db`): the lists are reloaded right after a write, which a lagging replica
 * might not show yet, and would then stay stale until the next change.
 */
export async function createArchiveDirectory({
  db,
  events,
  log,
}: {
  db: Db;
  events: EventBus;
  log: { warn(obj: object, msg: string): void };
}): Promise<ArchiveDirectory> {
  let sections: SectionLink[] = [];
  let latest: ArticleLink[] = [];
  let pages: PageLink[] = [];
  let loadedAt = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  async function load(): Promise<void> {
    const now = nowIso();
    const [sectionRows, latestRows, pageRows] = await Promise.all([
      listSections(db, now),
      articleLists.published(db, { limit: LATEST, offset: 0 }),
      listMenuPages(db),
    ]);
    const nextPages = pageRows.map((row) => ({ title: row.title, path: pagePath(row.slug) }));
    if (JSON.stringify(nextPages) !== JSON.stringify(pages)) pages = nextPages;
    const nextSections = sectionRows
      .map((row) => ({ name: row.name ?? row.slug, path: archivePath('section', row.slug) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.path.localeCompare(b.path));
    const nextLatest = latestRows.map((row) => ({
      title: row.title,
      path: articlePath(row.slug),
      publishedAt: row.published_at,
    }));
    // Kept as the same object when unchanged: the article page cache compares them to know.
    if (JSON.stringify(nextSections) !== JSON.stringify(sections)) sections = nextSections;
    if (JSON.stringify(nextLatest) !== JSON.stringify(latest)) latest = nextLatest;
    loadedAt = Date.now();
  }

  /** One reload at a time; a change during a reload makes it read once more afterwards. */
  function reload(): Promise<void> | undefined {
    if (closed) return undefined;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })()
      .catch((err: unknown) => log.warn({ err }, 'reloading the section list failed'))
      .finally(() => (running = undefined));
    return running;
  }

  await load();
  const stopListening = events.on('article.changed', () => void reload());

  return {
    sections: () => sections,
    latest: () => latest,
    pages: () => pages,
    settled() {
      if (!running && Date.now() - loadedAt > MAX_AGE_MS) {
        // Old lists are served while they are read again, rather than holding the request.
        void reload();
        return undefined;
      }
      return running;
    },
    async close() {
      closed = true;
      stopListening();
      await running;
    },
  };
}
