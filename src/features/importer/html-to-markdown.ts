// WordPress HTML → our Markdown, so the editor can change an imported article. WordPress stores
// post bodies with bare line breaks for paragraphs (wpautop adds the <p>s on display) and
// shortcodes, so those are made into HTML first, then converted by node-html-markdown (chosen
// over turndown for being about three times faster: an archive has tens of thousands of posts),
// which keeps only text from elements it does not know (scripts and styles not even that) and
// drops attributes. Markup Markdown has no form for (superscripts, definition lists, video…) stays
// as HTML inside the Markdown, sanitised with the article allow-list; the renderer sanitises
// everything again on the way out.
import { NodeHtmlMarkdown } from 'node-html-markdown';
import sanitizeHtml from 'sanitize-html';
import { ARTICLE_SANITIZE } from '../../lib/markdown.ts';

const KEPT_AS_HTML = 'sup,sub,u,ins,mark,abbr,kbd,dl,video,audio';

const converter = new NodeHtmlMarkdown(
  // `<` in text is escaped too, so text that reads like a tag stays text.
  { globalEscape: [/[\\`*_~[\]<]/gm, '\\$&'], bulletMarker: '-', keepDataImages: false },
  { [KEPT_AS_HTML]: { postprocess: ({ node }) => sanitizeHtml(node.outerHTML, ARTICLE_SANITIZE) } },
);

const BLOCK_START =
  /^<\/?(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|figure|figcaption|hr|dl|dd|dt|section|article|aside|header|footer|address|iframe|video|audio|!--)\b/i;

/** WordPress's wpautop, in short: blank-line-separated text becomes paragraphs, single newlines <br>. */
export function autop(html: string): string {
  const pres: string[] = [];
  const guarded = html
    .replace(/\r\n?/g, '\n')
    .replace(/<pre\b[\s\S]*?<\/pre>/gi, (pre) => `\u0000${pres.push(pre) - 1}\u0000`);
  const blocks = guarded.split(/\n[ \t]*\n/).map((block) => {
    const text = block.trim();
    if (!text || BLOCK_START.test(text) || /^\u0000\d+\u0000$/.test(text)) return text;
    return `<p>${text.replace(/\n/g, '<br>\n')}</p>`;
  });
  return blocks.join('\n').replace(/\u0000(\d+)\u0000/g, (_, i: string) => pres[Number(i)]!);
}

/** The shortcodes that carry content become HTML; others are left as text for an editor to see. */
export function expandShortcodes(html: string): string {
  return html
    .replace(/\[caption\b[^\]]*\]([\s\S]*?)\[\/caption\]/gi, (_, inner: string) => {
      const media = /^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*<\/a>)?)([\s\S]*)$/i.exec(inner);
      return media ? `<figure>${media[1]}<figcaption>${media[2]!.trim()}</figcaption></figure>` : inner;
    })
    .replace(/\[embed\b[^\]]*\]\s*(https?:\/\/[^\s[]+)\s*\[\/embed\]/gi, '<p><a href="$1">$1</a></p>');
}

/** A post body as Markdown. */
export function postHtmlToMarkdown(html: string): string {
  if (!html.trim()) return '';
  return converter.translate(autop(expandShortcodes(html))).trim();
}

// Plain text with nothing Markdown or the linkifier would turn into markup: no tags, entities,
// addresses (`://`, `@`, `www.`, a dot before letters as in example.com) or code indentation.
const PLAIN = /^[^<>&@`]*$/;
const LINK_LIKE = /:\/\/|www\.|\.[a-z]{2,}/i;
const MD_SPECIAL = /[\\`*_[\]<>#~]/g;

/**
 * A comment (WordPress keeps a few tags and plain line breaks) as our comment Markdown. Most
 * comments are plain text: for those the Markdown is the text escaped and its HTML is made here
 * (paragraphs, line breaks), as the comment renderer would make it but at a fraction of the cost;
 * `html` is null when the renderer must run.
 */
export function commentToMarkdown(content: string): { markdown: string; html: string | null } {
  const text = content.replace(/\r\n?/g, '\n').trim();
  if (PLAIN.test(text) && !LINK_LIKE.test(text)) {
    const paragraphs = text
      .split(/\n[ \t]*\n+/)
      .map((p) =>
        p
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      )
      .filter((p) => p.length > 0);
    const markdown = paragraphs
      .map((lines) =>
        lines
          .map((line) =>
            line
              .replace(MD_SPECIAL, '\\$&')
              .replace(/^([-+])(\s)/, '\\$1$2')
              .replace(/^(\d+)([.)])(\s)/, '$1\\$2$3'),
          )
          .join('\n'),
      )
      .join('\n\n');
    const html = paragraphs.map((lines) => `<p>${lines.join('<br />\n')}</p>`).join('\n');
    return { markdown, html };
  }
  return { markdown: converter.translate(autop(text)).trim(), html: null };
}
