// Reads an XML file as a stream (saxes), building small element trees only for the elements an
// importer asks for (a WXR <item>, a Disqus <post>), so a file of any size is read in bounded
// memory. Real exports are messy, so names are read leniently: a prefix is mapped to its usual
// name when the root declares its namespace under another one, and a prefix nobody declared is
// simply kept (WordPress has written files that use `wp:` without declaring it). A file that is
// not well-formed stops the read with its line and column.
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ImportError } from './import-report.ts';
import type { ImportSource } from './import-source.ts';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The text and CDATA directly inside this element, joined. */
  text: string;
}

export interface XmlReadOptions {
  /** Names of the elements to build and hand over whole (the outermost one wins when nested). */
  collect: ReadonlySet<string>;
  /** Called with each collected element, in document order; the read waits for it. */
  onElement(element: XmlElement): void | Promise<void>;
  /** Called when an element opens, with its depth (the root is 0). */
  onOpen?(name: string, depth: number, attrs: Record<string, string>): void;
  /** The names onOpen is called for (every element when absent). */
  opens?: ReadonlySet<string>;
  /** Usual prefixes by namespace URI without its scheme (a prefix of it), e.g. 'wordpress.org/export/' → 'wp'. */
  prefixes?: Record<string, string>;
  onBytes?(read: number): void;
}

/** HTML entities that real exports use outside CDATA (XML knows only five). */
const HTML_ENTITIES: Record<string, string> = {
  nbsp: '\u00A0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  trade: '™',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  szlig: 'ß',
  ccedil: 'ç',
  euro: '€',
  pound: '£',
  middot: '·',
  bull: '•',
};

export async function readXml(source: ImportSource, options: XmlReadOptions): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  Object.assign(parser.ENTITIES, HTML_ENTITIES);
  const renames = new Map<string, string>();
  const stack: XmlElement[] = [];
  let depth = 0;
  let collecting = 0; // depth of the element being built, 0 when none
  // Events of the current chunk, handed over in document order once the chunk is parsed.
  const done: ({ open: string; depth: number; attrs: Record<string, string> } | XmlElement)[] = [];
  const rename = (name: string) => {
    const colon = name.indexOf(':');
    if (colon === -1) return name;
    const usual = renames.get(name.slice(0, colon));
    return usual ? `${usual}${name.slice(colon)}` : name;
  };
  parser.on('error', (error) => {
    const reason = error.message.replace(/^\d+:\d+: /, '');
    throw new ImportError(
      `${source.file}: not well-formed XML at line ${parser.line}, column ${parser.column + 1}: ${reason}; ` +
        `nothing was imported`,
    );
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (depth === 0 && options.prefixes) {
      for (const [attr, uri] of Object.entries(tag.attributes)) {
        if (!attr.startsWith('xmlns:')) continue;
        const bare = uri.replace(/^https?:\/\//, '');
        // The longest match wins: `wordpress.org/export/1.2/excerpt/` is excerpt, not wp.
        const usual = Object.entries(options.prefixes)
          .filter(([start]) => bare.startsWith(start))
          .sort(([a], [b]) => b.length - a.length)[0]?.[1];
        if (usual && usual !== attr.slice(6)) renames.set(attr.slice(6), usual);
      }
    }
    const name = rename(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    if (options.onOpen && (!options.opens || options.opens.has(name))) done.push({ open: name, depth, attrs });
    depth++;
    if (collecting === 0 && !options.collect.has(name)) return;
    if (collecting === 0) collecting = depth;
    const element: XmlElement = { name, attrs, children: [], text: '' };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  const addText = (text: string) => {
    if (collecting !== 0) stack.at(-1)!.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    if (collecting !== 0) {
      const element = stack.pop()!;
      if (depth === collecting) {
        collecting = 0;
        done.push(element);
      }
    }
    depth--;
  });

  // A chunk may end inside a multi-byte character: the decoder keeps it for the next one.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source.chunks(options.onBytes)) {
    parser.write(decoder.write(chunk));
    // saxes is synchronous: hand over what this chunk completed before reading on (backpressure).
    await handOver();
  }
  parser.write(decoder.end());
  parser.close();
  await handOver();

  async function handOver() {
    for (let i = 0; i < done.length; i++) {
      const event = done[i]!;
      if ('open' in event) options.onOpen!(event.open, event.depth, event.attrs);
      else await options.onElement(event);
    }
    done.length = 0;
  }
}

/** The first child with this name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** The text of the first child with this name ('' when there is none). */
export function childText(element: XmlElement, name: string): string {
  return child(element, name)?.text ?? '';
}
