// `broadsheet export --format wxr`: WordPress eXtended RSS 1.2, as WordPress's own exporter writes
// it, so that Tools → Import → WordPress takes it: authors, categories (our sections) and tags
// first, then one <item> per article (a post) or static page (a page) with its comments (threaded
// by comment_parent, with their status) and its readers' score as WP Review meta. External threads
// (an embed's comments on a page we do not render) have no WordPress counterpart and are left out.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { archiveSlug, slugify } from '../../lib/text.ts';
import { xmlSafe, escapeXml } from '../../lib/xml.ts';
import { absoluteUrls } from '../feeds/feed.service.ts';
import { articlePath } from '../articles/article.model.ts';
import {
  articleBundles,
  listBylines,
  listSections,
  listTags,
  readSettings,
  type ArticleBundle,
} from './export.repository.ts';
import type { Write } from './json-export.ts';

const cdata = (text: string) => `<![CDATA[${xmlSafe(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
/** WordPress's "Y-m-d H:i:s"; our times are UTC, so local and GMT dates are the same. */
const wpDate = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '0000-00-00 00:00:00');

const POST_STATUS: Record<string, string> = { published: 'publish', scheduled: 'future', draft: 'draft' };
const COMMENT_APPROVED: Record<string, string> = { approved: '1', pending: '0', spam: 'spam', trash: 'trash' };

/** The byline as a WordPress login: WordPress matches posts to authors by it. */
export const authorLogin = (name: string) => slugify(name || 'newsroom', 60) || 'newsroom';

export async function writeWxrExport(
  db: Kysely<Database>,
  site: { url: string },
  write: Write,
): Promise<{ articles: number; comments: number }> {
  const settings = await readSettings(db);
  const title = typeof settings.siteTitle === 'string' ? settings.siteTitle : 'Broadsheet';
  const description = typeof settings.siteDescription === 'string' ? settings.siteDescription : '';
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<!-- WordPress eXtended RSS (WXR 1.2) written by Broadsheet. It contains readers' e-mail addresses: keep it private. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>${cdata(title)}</title>
	<link>${escapeXml(site.url)}</link>
	<description>${cdata(description)}</description>
	<pubDate>${new Date().toUTCString().replace('GMT', '+0000')}</pubDate>
	<language>en</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>${escapeXml(site.url)}</wp:base_site_url>
	<wp:base_blog_url>${escapeXml(site.url)}</wp:base_blog_url>
`);
  const authors = await listBylines(db);
  let n = 0;
  const logins = new Set<string>();
  for (const { author_name } of authors) {
    const login = authorLogin(author_name);
    if (logins.has(login)) continue;
    logins.add(login);
    await write(
      `	<wp:author><wp:author_id>${++n}</wp:author_id><wp:author_login>${cdata(login)}</wp:author_login>` +
        `<wp:author_email>${cdata('')}</wp:author_email><wp:author_display_name>` +
        `${cdata(author_name || title)}</wp:author_display_name><wp:author_first_name>` +
        `${cdata('')}</wp:author_first_name><wp:author_last_name>${cdata('')}</wp:author_last_name>` +
        `</wp:author>\n`,
    );
  }
  const sections = await listSections(db);
  let term = 0;
  for (const { section } of sections) {
    await write(
      `	<wp:category><wp:term_id>${++term}</wp:term_id><wp:category_nicename>` +
        `${cdata(archiveSlug(section))}</wp:category_nicename><wp:category_parent>` +
        `${cdata('')}</wp:category_parent><wp:cat_name>${cdata(section)}</wp:cat_name></wp:category>\n`,
    );
  }
  const tags = await listTags(db);
  for (const { tag } of tags) {
    await write(
      `	<wp:tag><wp:term_id>${++term}</wp:term_id><wp:tag_slug>${cdata(archiveSlug(tag))}</wp:tag_slug>` +
        `<wp:tag_name>${cdata(tag)}</wp:tag_name></wp:tag>\n`,
    );
  }
  await write(`	<generator>Broadsheet</generator>\n`);
  let articles = 0;
  let comments = 0;
  for await (const bundles of articleBundles(db)) {
    let chunk = '';
    for (const bundle of bundles) {
      if (bundle.article.kind !== 'article' && bundle.article.kind !== 'page') continue;
      chunk += item(bundle, site.url);
      articles++;
      comments += bundle.comments.length;
    }
    if (chunk) await write(chunk);
  }
  await write(`</channel>\n</rss>\n`);
  return { articles, comments };
}

function item({ article: a, tags, comments }: ArticleBundle, base: string): string {
  const page = a.kind === 'page';
  const link = base + (page ? `/pages/${encodeURIComponent(a.slug)}` : articlePath(a.slug));
  const date = a.published_at ?? a.created_at;
  const meta: [string, string][] = [];
  if (a.rating_count > 0) {
    // WP Review's visitors' score, on its percentage scale, with the number of votes.
    const mean = Math.round((a.rating_sum / a.rating_count) * 10_000) / 10_000;
    meta.push(
      ['wp_review_user_review_type', 'percentage'],
      ['wp_review_user_reviews', String(mean)],
      ['wp_review_review_count', String(a.rating_count)],
    );
  }
  if (a.review_type || a.review_rating !== null) meta.push(['wp_review_type', 'percentage']);
  if (a.review_type) meta.push(['wp_review_heading', a.review_name], ['wp_review_schema', a.review_type]);
  if (a.review_rating !== null) meta.push(['wp_review_total', String(a.review_rating)]);
  if (a.standfirst && page) meta.push(['_broadsheet_standfirst', a.standfirst]);
  let out = `	<item>
		<title>${cdata(a.title)}</title>
		<link>${escapeXml(link)}</link>
		<pubDate>${new Date(date).toUTCString().replace('GMT', '+0000')}</pubDate>
		<dc:creator>${cdata(authorLogin(a.author_name))}</dc:creator>
		<guid isPermaLink="false">${escapeXml(`${base}/?p=${a.id}`)}</guid>
		<description></description>
		<content:encoded>${cdata(absoluteUrls(a.body_html, base))}</content:encoded>
		<excerpt:encoded>${cdata(a.standfirst)}</excerpt:encoded>
		<wp:post_id>${a.id}</wp:post_id>
		<wp:post_date>${cdata(wpDate(date))}</wp:post_date>
		<wp:post_date_gmt>${cdata(a.status === 'draft' ? wpDate(null) : wpDate(date))}</wp:post_date_gmt>
		<wp:post_modified>${cdata(wpDate(a.updated_at))}</wp:post_modified>
		<wp:post_modified_gmt>${cdata(wpDate(a.updated_at))}</wp:post_modified_gmt>
		<wp:comment_status>${cdata(a.comments_open ? 'open' : 'closed')}</wp:comment_status>
		<wp:ping_status>${cdata('closed')}</wp:ping_status>
		<wp:post_name>${cdata(a.slug)}</wp:post_name>
		<wp:status>${cdata(POST_STATUS[a.status] ?? 'draft')}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>${a.menu_order}</wp:menu_order>
		<wp:post_type>${cdata(page ? 'page' : 'post')}</wp:post_type>
		<wp:post_password>${cdata('')}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
`;
  if (!page && a.section)
    out +=
      `		<category domain="category" ` +
      `nicename="${escapeXml(archiveSlug(a.section))}">${cdata(a.section)}</category>\n`;
  if (!page)
    for (const tag of tags)
      out += `		<category domain="post_tag" nicename="${escapeXml(archiveSlug(tag))}">${cdata(tag)}</category>\n`;
  for (const [key, value] of meta)
    out +=
      `		<wp:postmeta>\n			<wp:meta_key>${cdata(key)}</wp:meta_key>\n` +
      `			<wp:meta_value>${cdata(value)}</wp:meta_value>\n		</wp:postmeta>\n`;
  for (const c of comments) {
    out += `		<wp:comment>
			<wp:comment_id>${c.id}</wp:comment_id>
			<wp:comment_author>${cdata(c.author_name)}</wp:comment_author>
			<wp:comment_author_email>${cdata(c.author_email)}</wp:comment_author_email>
			<wp:comment_author_url>${escapeXml(c.author_url ?? '')}</wp:comment_author_url>
			<wp:comment_author_IP>${cdata('')}</wp:comment_author_IP>
			<wp:comment_date>${cdata(wpDate(c.created_at))}</wp:comment_date>
			<wp:comment_date_gmt>${cdata(wpDate(c.created_at))}</wp:comment_date_gmt>
			<wp:comment_content>${cdata(c.body_html)}</wp:comment_content>
			<wp:comment_approved>${cdata(COMMENT_APPROVED[c.status] ?? '0')}</wp:comment_approved>
			<wp:comment_type>${cdata('comment')}</wp:comment_type>
			<wp:comment_parent>${c.parent_id ?? 0}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`;
  }
  return out + `	</item>\n`;
}
