// Writes a WordPress export (WXR 1.2) of any size to a file, streamed, for the import benchmark:
// posts of a few paragraphs with categories, tags and WP Review reader scores, and comments
// threaded three deep, a tenth of them with a little HTML, as real sites have.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const PARAGRAPH =
  'The council met on Tuesday evening to discuss the proposal, which has divided residents for months. ' +
  'Supporters say it will bring jobs and visitors; opponents worry about traffic and the cost to the town. ';

function post(id: number, comments: number): string {
  const date = new Date(Date.UTC(2010, 0, 1) + id * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
  const body = Array.from({ length: 5 }, (_, i) =>
    i === 2
      ? `<h2>Part ${i}</h2>\n\n${PARAGRAPH}<a href="https://example.org/${id}">source</a>.`
      : `${PARAGRAPH}<strong>${id}</strong> ${PARAGRAPH}`,
  ).join('\n\n');
  const parts: string[] = [
    `<item>
<title>Story number ${id}: the council decides</title>
<link>https://news.example/${date.slice(0, 4)}/${date.slice(5, 7)}/${date.slice(8, 10)}/story-${id}/</link>
<dc:creator><![CDATA[reporter${id % 7}]]></dc:creator>
<content:encoded><![CDATA[${body}]]></content:encoded>
<excerpt:encoded><![CDATA[What the council decided about story ${id}.]]></excerpt:encoded>
<wp:post_id>${id}</wp:post_id>
<wp:post_date_gmt><![CDATA[${date}]]></wp:post_date_gmt>
<wp:post_modified_gmt><![CDATA[${date}]]></wp:post_modified_gmt>
<wp:post_name><![CDATA[story-${id}]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="section-${id % 12}"><![CDATA[Section ${id % 12}]]></category>
<category domain="post_tag" nicename="tag-${id % 50}"><![CDATA[Tag ${id % 50}]]></category>
<wp:postmeta><wp:meta_key><![CDATA[wp_review_user_review_type]]></wp:meta_key>
  <wp:meta_value><![CDATA[star]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key><![CDATA[wp_review_user_reviews]]></wp:meta_key>
  <wp:meta_value><![CDATA[${(3 + (id % 20) / 10).toFixed(1)}]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key><![CDATA[wp_review_review_count]]></wp:meta_key>
  <wp:meta_value><![CDATA[${1 + (id % 9)}]]></wp:meta_value></wp:postmeta>
`,
  ];
  for (let c = 1; c <= comments; c++) {
    const commentId = id * 100 + c;
    // Every third comment answers the one before it: threads three deep.
    const parent = c % 3 === 0 ? commentId - 1 : c % 3 === 2 ? commentId - 1 : 0;
    const content =
      c % 10 === 0
        ? `I <em>agree</em> with <a href="https://reader${c}.example/">this</a>.\nSecond line.`
        : `Comment ${c} on story ${id}: a sensible point about the council and the town, made politely.`;
    parts.push(`<wp:comment>
<wp:comment_id>${commentId}</wp:comment_id>
<wp:comment_author><![CDATA[Reader ${c}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[reader${(id * 7 + c) % 5000}@example.org]]></wp:comment_author_email>
<wp:comment_author_url>https://reader${c}.example/</wp:comment_author_url>
<wp:comment_author_IP><![CDATA[198.51.100.${c % 250}]]></wp:comment_author_IP>
<wp:comment_date_gmt><![CDATA[${date}]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[${content}]]></wp:comment_content>
<wp:comment_approved><![CDATA[${c % 17 === 0 ? '0' : '1'}]]></wp:comment_approved>
<wp:comment_type><![CDATA[comment]]></wp:comment_type>
<wp:comment_parent>${parent}</wp:comment_parent>
</wp:comment>
`);
  }
  parts.push('</item>\n');
  return parts.join('');
}

/** Writes the export; returns its size in bytes. */
export async function writeWxr(
  file: string,
  { posts, commentsPerPost }: { posts: number; commentsPerPost: number },
): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench News</title>
<link>https://news.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://news.example</wp:base_blog_url>
${Array.from(
  { length: 7 },
  (_, i) =>
    `<wp:author><wp:author_login><![CDATA[reporter${i}]]></wp:author_login><wp:author_display_name><![CDATA[Reporter ` +
    `${i}]]></wp:author_display_name></wp:author>`,
).join('\n')}
`);
  for (let id = 1; id <= posts; id++) await write(post(id, commentsPerPost));
  await write('</channel>\n</rss>\n');
  out.end();
  await once(out, 'finish');
  return bytes;
}
