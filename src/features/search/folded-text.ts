// PostgreSQL has no accent folding built in (the unaccent extension would need installing), so
// search indexes its text decomposed (NFKD) with the combining accents removed, and makes its
// snippets from that folded text. These functions fold a query's words the same way, and put
// a snippet's words back as they were written ("cafe" → "café"), markers and all.
import { MARK_END, MARK_START } from './search-query.ts';

const ACCENTS = /[\u0300-\u036f]/g;

/** What the index holds for this text (the migration's regexp_replace(normalize(x, NFKD), …)). */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(ACCENTS, '');
}

/** The folded text, and for each of its UTF-16 units the span of the original it came from. */
function foldWithSpans(original: string): { folded: string; from: number[]; to: number[] } {
  let folded = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const char of original) {
    const part = fold(char);
    // A lone accent belongs to the letter before it.
    if (part === '' && to.length > 0) to[to.length - 1] = i + char.length;
    for (let k = 0; k < part.length; k++) {
      from.push(i);
      to.push(i + char.length);
    }
    folded += part;
    i += char.length;
  }
  return { folded, from, to };
}

/**
 * The headline PostgreSQL made from fold(original), shown in the original's own characters:
 * each fragment (between `delimiter`s) is found in the folded text and copied from the original
 * with its markers at the same places. Undefined when a fragment cannot be found (the text did
 * not fold here as it did in the database); the caller then shows the folded headline.
 */
export function unfoldHeadline(headline: string, original: string, delimiter: string): string | undefined {
  const { folded, from, to } = foldWithSpans(original);
  const out: string[] = [];
  let searchFrom = 0;
  for (const fragment of headline.split(delimiter)) {
    const plain = fragment.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
    if (plain === '') {
      out.push(fragment);
      continue;
    }
    const at = folded.indexOf(plain, searchFrom);
    if (at < 0) return undefined;
    searchFrom = at + plain.length;
    let copied = from[at]!;
    let text = '';
    const copyTo = (end: number) => {
      if (end > copied) text += original.slice(copied, end);
      copied = Math.max(copied, end);
    };
    let p = at;
    for (const unit of fragment) {
      if (unit === MARK_START) {
        copyTo(from[p] ?? original.length);
        text += MARK_START;
      } else if (unit === MARK_END) {
        copyTo(to[p - 1] ?? copied);
        text += MARK_END;
      } else p += unit.length;
    }
    copyTo(to[at + plain.length - 1]!);
    out.push(text);
  }
  return out.join(delimiter);
}
