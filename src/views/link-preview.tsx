// Link previews: the Open Graph and Twitter card tags that chat apps and social sites read
// when someone shares a page. Every URL in them is absolute, as those readers require.
import type { Settings } from '../features/settings/settings.service.ts';

/** The picture a preview shows: a path on this site, its size and its description. */
export interface PreviewImage {
  path: string;
  width: number;
  height: number;
  alt: string;
}

/** What a preview says of an article (og:type article). */
export interface PreviewArticle {
  publishedTime: string | null;
  modifiedTime: string;
  section: string;
  tags: string[];
}

export function LinkPreview(props: {
  settings: Settings;
  publicUrl: string;
  title: string;
  description: string;
  path: string;
  image?: PreviewImage;
  article?: PreviewArticle;
}) {
  const { settings, publicUrl, title, description, path, image, article } = props;
  return (
    <>
      <meta property="og:site_name" content={settings.siteTitle} />
      <meta property="og:title" content={title} />
      <meta property="og:description" content={description} />
      {path ? <meta property="og:url" content={publicUrl + path} /> : null}
      <meta property="og:type" content={article ? 'article' : 'website'} />
      {article?.publishedTime ? <meta property="article:published_time" content={article.publishedTime} /> : null}
      {article ? <meta property="article:modified_time" content={article.modifiedTime} /> : null}
      {article?.section ? <meta property="article:section" content={article.section} /> : null}
      {article?.tags.map((tag) => (
        <meta property="article:tag" content={tag} />
      ))}
      {image ? (
        <>
          <meta property="og:image" content={publicUrl + image.path} />
          <meta property="og:image:width" content={String(image.width)} />
          <meta property="og:image:height" content={String(image.height)} />
          {image.alt ? <meta property="og:image:alt" content={image.alt} /> : null}
        </>
      ) : null}
      <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
      <meta name="twitter:title" content={title} />
      <meta name="twitter:description" content={description} />
    </>
  );
}
