// The document inside the embed's iframe: the Reviews widget and the comments of one thread,
// with the article page's own components, and no site header or footer.
import type { ComponentChildren } from 'preact';
import type { LayoutContext } from '../../views/layout.tsx';
import { articlePath, type Article } from '../articles/article.model.ts';

export function embedPath(slug: string): string {
  return `/embed/threads/${encodeURIComponent(slug)}`;
}

export function EmbedFrame({
  article,
  context,
  scriptPath,
  children,
}: {
  article: Article;
  context: LayoutContext;
  scriptPath: string;
  children: ComponentChildren;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`Comments: ${article.title} — ${context.settings.siteTitle}`}</title>
        <link rel="canonical" href={context.publicUrl + articlePath(article.slug)} />
        <link rel="stylesheet" href={context.stylesheet} />
        <script src={scriptPath} defer />
      </head>
      <body class="embed">
        <main id="main" class="embed-thread" data-article-id={article.id}>
          {children}
          <p class="embed-credit">
            <a href={context.publicUrl + articlePath(article.slug)} target="_blank" rel="noopener">
              Open this discussion on {context.settings.siteTitle}
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}
