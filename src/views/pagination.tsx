// Links between the pages of a list (archives, the front page, search results), with
// rel="prev" / rel="next", and how `?page=` is read.

/** `?page=N` for N > 1; the first page is the bare path (its canonical address). */
export function pagePath(path: string, page: number): string {
  return page <= 1 ? path : `${path}?page=${page}`;
}

export interface PaginationProps {
  page: number;
  pages: number;
  /** The address of page n. */
  href: (n: number) => string;
  label?: string;
  previous?: string;
  next?: string;
}

export function Pagination({
  page,
  pages,
  href,
  label = 'Pagination',
  previous = '← Newer',
  next = 'Older →',
}: PaginationProps) {
  if (pages <= 1) return null;
  return (
    <nav class="pagination" aria-label={label}>
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          {previous}
        </a>
      ) : null}
      <span class="pagination-position">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <a href={href(page + 1)} rel="next">
          {next}
        </a>
      ) : null}
    </nav>
  );
}

/** `?page=` as given: absent is 1, anything but a whole number from 1 is no page at all (null). */
export function parsePage(raw: string | undefined): number | null {
  if (raw === undefined) return 1;
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}
