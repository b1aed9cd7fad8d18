// The archive of a section, tag or author: its name, how many articles, a page of them.
import { plural } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import { ArticleList } from '../articles/article-card.views.tsx';
import { sectionFeeds } from '../feeds/feed-links.ts';
import type { ArchivePage } from './archive.service.ts';
import { pagePath, Pagination } from '../../views/pagination.tsx';

const KIND_LABEL: Record<ArchivePage['kind'], string> = { section: 'Section', tag: 'Tag', author: 'Author' };

export function archiveTitle(archive: ArchivePage): string {
  const name =
    archive.kind === 'tag'
      ? `Tagged “${archive.name}”`
      : archive.kind === 'author'
        ? `Articles by ${archive.name}`
        : archive.name;
  return archive.page > 1 ? `${name} (page ${archive.page})` : name;
}

export function ArchivePageView({
  archive,
  path,
  context,
}: {
  archive: ArchivePage;
  path: string;
  context: LayoutContext;
}) {
  const siteTitle = context.settings.siteTitle;
  return (
    <Layout
      meta={{
        title: archiveTitle(archive),
        description:
          `${plural(archive.count, 'article', 'articles')} ` +
          `${archive.kind === 'author' ? 'by' : archive.kind === 'tag' ? 'tagged' : 'in'} ${archive.name} on ` +
          `${siteTitle}.`,
        path: pagePath(path, archive.page),
        feeds: archive.kind === 'section' ? sectionFeeds(archive.name, siteTitle) : undefined,
        wide: true,
      }}
      context={context}
    >
      <header class="archive-header">
        <p class="archive-kind">{KIND_LABEL[archive.kind]}</p>
        <h1>{archive.name}</h1>
        <p class="archive-count">
          {plural(archive.count, 'article', 'articles')}
          {archive.pages > 1 ? ` · page ${archive.page} of ${archive.pages}` : null}
        </p>
      </header>
      <ArticleList articles={archive.articles} showSection={archive.kind !== 'section'} />
      <Pagination page={archive.page} pages={archive.pages} href={(n) => pagePath(path, n)} />
    </Layout>
  );
}
