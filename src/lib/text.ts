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

/**
 * The slug of a section, tag or author name in its archive's address: lower-case letters and
 * digits of any script joined by hyphens ("Science & Tech" → "science-tech", "Мир" → "мир");
 * empty for an empty name. Stored beside the name when it is written (see article.repository.ts).
 */
export function archiveSlug(name: string): string {
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
