// WordPress HTML → our Markdown, so the editor can change an imported article. WordPress stores
// post bodies with bare line breaks for paragraphs (wpautop adds the <p>s on display) and
// shortcodes, so those are made into HTML first. The HTML is sanitised with the article
// allow-list, then converted by node-html-markdown (chosen over turndown for being about three
// times faster: an archive has tens of thousands of posts). Markup Markdown has no form for
// (superscripts, definition lists, video…) stays as HTML inside the Markdown, which the article
// renderer sanitises again.
import { NodeHtmlMarkdown } from 'node-html-markdown';
import sanitizeHtml from 'sanitize-html';
import { ARTICLE_SANITIZE } from '../../lib/markdown.ts';

const KEPT_AS_HTML = 'sup,sub,u,ins,mark,abbr,kbd,dl,video,audio';

const converter = new NodeHtmlMarkdown(
  // `<` in text is escaped too, so text that reads like a tag stays text.
  { globalEscape: [/[\\`*_~[\]<]/gm, '\\$&'], bulletMarker: '-', keepDataImages: false },
  { [KEPT_AS_HTML]: { postprocess: ({ node }) => node.outerHTML } },
);

const BLOCK_START = /^<\/?(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|figure|figcaption|hr|dl|dd|dt|section|article|aside|header|footer|address|iframe|video|audio|!--)\b/i;

/** WordPress's wpautop, in short: blank-line-separated text becomes paragraphs, single newlines <br>. */
export function autop(html: string): string {
  const pres: string[] = [];
  const guarded = html.replace(/\r\n?/g, '\n').replace(/<pre\b[\s\S]*?<\/pre>/gi, (pre) => `\u0000${pres.push(pre) - 1}\u0000`);
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

const IMPORT_SANITIZE: sanitizeHtml.IOptions = {
  ...ARTICLE_SANITIZE,
  allowedTags: [...(ARTICLE_SANITIZE.allowedTags as string[]), 'video', 'audio', 'source', 'ins', 'mark', 'kbd'],
  allowedAttributes: { ...ARTICLE_SANITIZE.allowedAttributes, video: ['src', 'controls', 'poster', 'width', 'height'], audio: ['src', 'controls'], source: ['src', 'type'] },
  // Gutenberg's block comments and the like go; text is kept.
  allowedSchemesAppliedToAttributes: ['href', 'src', 'poster'],
};

/** A post body as Markdown. */
export function postHtmlToMarkdown(html: string): string {
  if (!html.trim()) return '';
  const safe = sanitizeHtml(autop(expandShortcodes(html)), IMPORT_SANITIZE);
  return converter.translate(safe).trim();
}

const PLAIN = /^[^<&]*$/;
const MD_SPECIAL = /[\\`*_[\]<>#]/g;

/** A comment's text (WordPress keeps a few tags and plain line breaks) as our comment Markdown. */
export function commentHtmlToMarkdown(html: string): string {
  const text = html.replace(/\r\n?/g, '\n').trim();
  // Most comments are plain text: escaping is enough, and far cheaper than converting.
  if (PLAIN.test(text)) return text.replace(MD_SPECIAL, '\\$&').replace(/^(\s*)([-+]|\d+\.)(\s)/gm, '$1\\$2$3');
  return converter.translate(sanitizeHtml(autop(text), IMPORT_SANITIZE)).trim();
}
