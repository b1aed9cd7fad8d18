import type { ComponentChildren } from 'preact';
import type { ArticleLink, PageLink, SectionLink } from '../features/archives/archive-directory.ts';
import { siteFeeds, type FeedLink } from '../features/feeds/feed-links.ts';
import { mediaPath, srcsetOf } from '../features/media/featured-image.ts';
import type { Settings } from '../features/settings/settings.service.ts';
import { iconVersion, logoOf, previewImageOf, shareImageOf } from '../features/settings/site-images.ts';
import { renderPage } from './html.ts';
import { LinkPreview, type PreviewArticle, type PreviewImage } from './link-preview.tsx';

export interface PageMeta {
  title: string;
  description?: string;
  /** Path of this page's canonical URL; empty for a page that has none (an error page). */
  path: string;
  scripts?: string[];
  /** Feeds of this page beyond the site's own (a section's, an article's comments). */
  feeds?: FeedLink[];
  /** More elements for the head. */
  head?: ComponentChildren;
  /** The picture link previews show (og:image, a large Twitter card). */
  image?: PreviewImage;
  /** Set on an article's page: link previews describe it as an article. */
  article?: PreviewArticle;
  /** Lists of cards (front page, archives) use the full width of the header; reading stays at the measure. */
  wide?: boolean;
  /** False on a page that has its own search form (the 404), so that it shows one. */
  headerSearch?: boolean;
}

export interface LayoutContext {
  settings: Settings;
  publicUrl: string;
  stylesheet: string;
  /** Sections with published articles, for the header's navigation. */
  sections: SectionLink[];
  /** Static pages for the footer menu, in the admin's order. */
  pages?: PageLink[];
}

export function Layout({
  meta,
  context,
  children,
}: {
  meta: PageMeta;
  context: LayoutContext;
  children: ComponentChildren;
}) {
  const { settings } = context;
  const title = meta.title === settings.siteTitle ? meta.title : `${meta.title} — ${settings.siteTitle}`;
  const icon = iconVersion(settings);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={meta.description ?? settings.siteDescription} />
        {meta.path ? <link rel="canonical" href={context.publicUrl + meta.path} /> : null}
        <LinkPreview
          settings={settings}
          publicUrl={context.publicUrl}
          title={meta.title}
          description={meta.description ?? settings.siteDescription}
          path={meta.path}
          image={meta.image ?? previewImageOf(shareImageOf(settings))}
          article={meta.article}
        />
        <link rel="icon" href={`/favicon.ico?v=${icon}`} sizes="16x16 32x32 48x48" />
        <link rel="apple-touch-icon" href={`/apple-touch-icon.png?v=${icon}`} />
        {[...siteFeeds(settings.siteTitle), ...(meta.feeds ?? [])].map((feed) => (
          <link rel="alternate" type={feed.type} title={feed.title} href={feed.href} />
        ))}
        {meta.head}
        <link rel="stylesheet" href={context.stylesheet} />
        {meta.scripts?.map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap site-masthead">
            <div class="site-brand">
              <SiteTitle settings={settings} />
              {settings.siteDescription ? <p class="site-tagline">{settings.siteDescription}</p> : null}
            </div>
            {meta.headerSearch === false ? null : (
              <form class="site-search" role="search" aria-label="Site" action="/search" method="get">
                <label for="site-search-q" class="visually-hidden">
                  Search articles
                </label>
                <input id="site-search-q" type="search" name="q" placeholder="Search" maxLength={200} />
                <button type="submit">Search</button>
              </form>
            )}
          </div>
          <SectionNav sections={context.sections} current={meta.path.split('?')[0]!} />
        </header>
        <main id="main" class={meta.wide ? 'wrap page-wide' : 'wrap'} tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            {context.pages && context.pages.length > 0 ? (
              <nav class="footer-pages" aria-label="About this site">
                <ul>
                  {context.pages.map((page) => (
                    <li>
                      <a href={page.path} aria-current={meta.path === page.path ? 'page' : undefined}>
                        {page.title}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
            <p>
              {settings.siteTitle} · No trackers, no third-party scripts. · <a href="/api/v1/openapi.json">API</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Logos are shown this tall (CSS), so the browser picks the variant for this width. */
const LOGO_HEIGHT_PX = 48;
const LOGO_MAX_WIDTH_PX = 288;

/** The logo when there is one (its text alternative the site's name), else the name in type. */
function SiteTitle({ settings }: { settings: Settings }) {
  const logo = logoOf(settings);
  if (!logo) {
    return (
      <a class="site-title" href="/">
        {settings.siteTitle}
      </a>
    );
  }
  const shown = Math.min(LOGO_MAX_WIDTH_PX, Math.ceil((LOGO_HEIGHT_PX * logo.width) / logo.height));
  return (
    <a class="site-title site-logo" href="/">
      <img
        src={mediaPath(logo.key, logo.widths[0]!)}
        srcset={srcsetOf(logo)}
        sizes={`${shown}px`}
        width={logo.width}
        height={logo.height}
        alt={settings.siteTitle}
      />
    </a>
  );
}

function SectionNav({ sections, current }: { sections: SectionLink[]; current: string }) {
  if (sections.length === 0) return null;
  return (
    <nav class="section-nav" aria-label="Sections">
      <ul class="wrap">
        {sections.map((section) => (
          <li>
            <a href={section.path} aria-current={section.path === current ? 'page' : undefined}>
              {section.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** `latest` (the newest articles) helps a reader who found nothing: shown on a 404 only. */
export function ErrorPage({
  status,
  message,
  context,
  latest = [],
}: {
  status: number;
  message: string;
  context: LayoutContext;
  latest?: ArticleLink[];
}) {
  const heading = status === 404 ? 'Page not found' : status >= 500 ? 'Something went wrong' : 'That did not work';
  return (
    <Layout meta={{ title: heading, path: '', headerSearch: status !== 404 }} context={context}>
      <section class="error-page">
        <h1>{heading}</h1>
        <p>{message}</p>
        {status === 404 ? <NotFoundHelp sections={context.sections} latest={latest} /> : null}
        <p>
          <a href="/">Go to the front page</a>
        </p>
      </section>
    </Layout>
  );
}

function NotFoundHelp({ sections, latest }: { sections: SectionLink[]; latest: ArticleLink[] }) {
  return (
    <div class="not-found-help">
      <form class="not-found-search" role="search" aria-label="Articles" action="/search" method="get">
        <label for="not-found-q">Search the articles</label>
        <div class="not-found-search-row">
          <input id="not-found-q" type="search" name="q" maxLength={200} />
          <button type="submit">Search</button>
        </div>
      </form>
      {latest.length > 0 ? (
        <section aria-labelledby="not-found-latest">
          <h2 id="not-found-latest">Latest articles</h2>
          <ul class="not-found-list">
            {latest.map((article) => (
              <li>
                <a href={article.path}>{article.title}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {sections.length > 0 ? (
        <section aria-labelledby="not-found-sections">
          <h2 id="not-found-sections">Sections</h2>
          <ul class="not-found-sections">
            {sections.map((section) => (
              <li>
                <a href={section.path}>{section.name}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export function renderErrorPage(
  status: number,
  message: string,
  context: LayoutContext,
  latest: ArticleLink[] = [],
): string {
  return renderPage(<ErrorPage status={status} message={message} context={context} latest={latest} />);
}
