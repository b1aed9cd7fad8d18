// Pages rendered once and reused for every reader, with holes for the parts that change on
// their own or differ per reader (forms carrying their tokens, the reader's own rating).
// Rendering marks each hole with <bs-slot>; the page cache splits on the marks.
export function Slot({ name }: { name: string }) {
  return <bs-slot name={name} />;
}

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'bs-slot': { name: string };
    }
  }
}

const MARK = /<bs-slot name="([a-z-]+)"><\/bs-slot>/g;

/**
 * A page or part as UTF-8 bytes with named holes: slots for other parts, and short
 * per-request strings (tokens). Encoding a 60 KB page costs more than everything else in
 * serving it, so each part is encoded once and parts are joined as bytes. The parts' buffers
 * stay apart (pieces) down to the finished page: a page's gzip form is joined from its pieces'
 * deflate streams, each made once (lib/compressed-body.ts).
 */
export interface ByteTemplate {
  /** Literal bytes, as pieces; between chunk i and i+1 stands hole i. */
  chunks: Buffer[][];
  holes: string[];
}

/** Splits rendered HTML at its <bs-slot> marks and at each token marker (name → marker text). */
export function toByteTemplate(html: string, tokens: Record<string, string> = {}): ByteTemplate {
  const byMarker = new Map(Object.entries(tokens).map(([name, marker]) => [marker, name]));
  const alternatives = [MARK.source, ...[...byMarker.keys()].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))];
  const chunks: Buffer[][] = [];
  const holes: string[] = [];
  let last = 0;
  for (const match of html.matchAll(new RegExp(alternatives.join('|'), 'g'))) {
    chunks.push([Buffer.from(html.slice(last, match.index))]);
    holes.push(match[1] ?? byMarker.get(match[0])!);
    last = match.index! + match[0].length;
  }
  chunks.push([Buffer.from(html.slice(last))]);
  return { chunks, holes };
}

/** Puts parts into the holes of the same name; other holes stay open. */
export function nest(template: ByteTemplate, parts: Record<string, ByteTemplate>): ByteTemplate {
  const chunks: Buffer[][] = [];
  const holes: string[] = [];
  let pending: Buffer[] = [...template.chunks[0]!];
  const append = (t: ByteTemplate) => {
    pending.push(...t.chunks[0]!);
    for (let i = 0; i < t.holes.length; i++) {
      chunks.push(pending);
      holes.push(t.holes[i]!);
      pending = [...t.chunks[i + 1]!];
    }
  };
  for (let i = 0; i < template.holes.length; i++) {
    const part = parts[template.holes[i]!];
    if (part) append(part);
    else append({ chunks: [[], []], holes: [template.holes[i]!] });
    pending.push(...template.chunks[i + 1]!);
  }
  chunks.push(pending);
  return { chunks, holes };
}

/** The finished bytes as pieces, with each remaining hole filled from `values`. */
export function templatePieces(template: ByteTemplate, values: Record<string, string>): Buffer[] {
  const pieces: Buffer[] = [...template.chunks[0]!];
  for (let i = 0; i < template.holes.length; i++) {
    const value = values[template.holes[i]!];
    if (value) pieces.push(Buffer.from(value));
    pieces.push(...template.chunks[i + 1]!);
  }
  return pieces;
}

/** The finished bytes, with each remaining hole filled from `values`. */
export function fillByteTemplate(template: ByteTemplate, values: Record<string, string>): Buffer {
  return Buffer.concat(templatePieces(template, values));
}
