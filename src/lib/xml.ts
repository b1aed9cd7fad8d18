// Escaping text for XML (and HTML) written by hand: sitemaps, feed fields read as HTML, search snippets.

// Characters XML 1.0 does not allow at all, even escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Drops the characters XML cannot carry (control characters from pasted text). */
export function xmlSafe(text: string): string {
  return text.replace(INVALID_XML, '');
}

/** Text safe inside an element or a quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Plain text as HTML (for feed fields whose content is HTML: Atom `type="html"`, RSS descriptions). */
export function textToHtml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"]/g, (c) => ENTITIES[c]!);
}
