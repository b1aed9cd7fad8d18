import { createCache } from './cache.ts';

/** A URL-safe slug from a headline: lower case ASCII words joined by hyphens. */
export function slugify(text: string, maxLength = 80): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.length > maxLength ? slug.slice(0, maxLength).replace(/-[^-]*$/, '') : slug;
  return cut || 'article';
}

// Every article page links its section, tags and author, and its structured data is made again
// after each rating: the few names a site has are slugged once.
const archiveSlugs = createCache<string, string>({ maxEntries: 1000 });

/**
 * The slug of a section, tag or author name in its archive's address: lower-case letters and
 * digits of any script joined by hyphens ("Science & Tech" → "science-tech", "Мир" → "мир");
 * empty for an empty name. Stored beside the name when it is written (see article.repository.ts).
 */
export function archiveSlug(name: string): string {
  let slug = archiveSlugs.get(name);
  if (slug === undefined) {
    slug = makeArchiveSlug(name);
    archiveSlugs.set(name, slug);
  }
  return slug;
}

function makeArchiveSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export function nowIso(): string {
  return new Date().toISOString();
}
