// Checks that HTML can run nothing a reader wrote.
import assert from 'node:assert/strict';

function decodeAttr(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Every start tag in the HTML with its attributes, honouring quotes (a `>` inside a value is not the tag's end). */
export function tags(html: string): { name: string; attrs: [string, string][]; raw: string }[] {
  const out: { name: string; attrs: [string, string][]; raw: string }[] = [];
  const TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g;
  for (const m of html.matchAll(TAG)) {
    const attrs = [...m[2]!.matchAll(/\s([^\s=>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)].map(
      (a) => [a[1]!.toLowerCase(), a[2] ?? a[3] ?? a[4] ?? ''] as [string, string],
    );
    out.push({ name: m[1]!.toLowerCase(), attrs, raw: m[0] });
  }
  return out;
}

/** Asserts that a page (or fragment) can run nothing a reader wrote: no image, handler or script URL. */
export function assertInert(html: string, where: string) {
  // raw checks too, for markup the tokenizer below would not recognise (e.g. <img/src=x>)
  const raw = /<(img|iframe|object|embed|math|style|base)\b/i.exec(html);
  assert.ok(!raw, `${where}: <${raw?.[1]}`);
  for (const tag of tags(html)) {
    assert.ok(
      !['img', 'iframe', 'object', 'embed', 'math', 'style', 'base'].includes(tag.name),
      `${where}: <${tag.name}>`,
    );
    for (const [name, value] of tag.attrs) {
      assert.ok(!name.startsWith('on'), `${where}: event handler in ${tag.raw}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)) {
        const url = decodeAttr(value).replace(/[\s\u0000-\u001f]+/g, '');
        assert.ok(!/^(?:javascript|vbscript|data):/i.test(url), `${where}: dangerous URL in ${tag.raw}`);
      }
    }
  }
  for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
    // JSON-LD is data, never run; its text may hold no `<`, so nothing in it can end the element.
    if (/^<script type="application\/ld\+json">[^<]*<\/script>$/.test(script)) continue;
    assert.match(
      script,
      /^<script src="\/assets\/[^"]+" defer><\/script>$/,
      `${where}: a script that is not the site's own`,
    );
  }
}
