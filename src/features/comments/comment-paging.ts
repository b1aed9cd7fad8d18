// Long threads are shown a page of top-level threads at a time, each with all its replies. The
// page is chosen from a light index of the article's approved comments (ids and parents, in the
// order they were written) before any comment is read in full, so a page costs the same on an
// article with 50 comments as on one with 5,000, and any comment's page is found from its id.

export type CommentOrder = 'oldest' | 'newest';

export interface IndexEntry {
  id: number;
  parent_id: number | null;
}

export interface ThreadIndex {
  /** Top-level comments, oldest first: approved comments whose parent is not approved (or none). */
  roots: number[];
  /** Each comment's top-level comment. */
  rootOf: Map<number, number>;
  /** Each top-level comment's thread: itself, then its replies, oldest first. */
  members: Map<number, number[]>;
}

/** `entries` in the order they were written; a reply whose parent is not among them starts a thread of its own. */
export function indexThreads(entries: readonly IndexEntry[]): ThreadIndex {
  const parentOf = new Map(entries.map((e) => [e.id, e.parent_id]));
  const rootOf = new Map<number, number>();
  const find = (id: number): number => {
    const known = rootOf.get(id);
    if (known !== undefined) return known;
    // Walk up until a comment whose parent is not in the list (bounded: ids never repeat).
    const path: number[] = [];
    let at = id;
    for (;;) {
      path.push(at);
      const parent = parentOf.get(at);
      if (parent === null || parent === undefined || !parentOf.has(parent) || path.length > parentOf.size) break;
      const memo = rootOf.get(parent);
      if (memo !== undefined) {
        at = memo;
        break;
      }
      at = parent;
    }
    for (const p of path) rootOf.set(p, at);
    return at;
  };
  const roots: number[] = [];
  const members = new Map<number, number[]>();
  for (const { id } of entries) {
    const root = find(id);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    if (root === id) roots.push(id);
    list.push(id);
  }
  // A thread starts with its root even when (imports) a reply was dated earlier.
  for (const [root, list] of members)
    if (list[0] !== root) members.set(root, [root, ...list.filter((id) => id !== root)]);
  return { roots, rootOf, members };
}

export interface PageSlice {
  /** The ids to read, roots first in page order, then each thread oldest first. */
  ids: number[];
  page: number;
  pages: number;
}

export function pageCount(index: ThreadIndex, perPage: number): number {
  return Math.max(1, Math.ceil(index.roots.length / perPage));
}

function orderedRoots(index: ThreadIndex, order: CommentOrder): number[] {
  return order === 'oldest' ? index.roots : [...index.roots].reverse();
}

/** The comments on page `page` (1-based); a page past the last is empty. */
export function slicePage(
  index: ThreadIndex,
  { order, page, perPage }: { order: CommentOrder; page: number; perPage: number },
): PageSlice {
  const roots = orderedRoots(index, order).slice((page - 1) * perPage, page * perPage);
  return { ids: roots.flatMap((root) => index.members.get(root) ?? [root]), page, pages: pageCount(index, perPage) };
}

/** The page holding this comment, or null when it is not in the index (not approved). */
export function pageOf(
  index: ThreadIndex,
  id: number,
  { order, perPage }: { order: CommentOrder; perPage: number },
): number | null {
  const root = index.rootOf.get(id);
  if (root === undefined) return null;
  const position = order === 'oldest' ? index.roots.indexOf(root) : index.roots.length - 1 - index.roots.indexOf(root);
  return Math.floor(position / perPage) + 1;
}
