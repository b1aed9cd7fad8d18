// What the audit log's entries name, looked up for showing them in words: staff members (by id
// and by the e-mail the entry was recorded under), comments (author and article) and articles.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import * as repo from './audit.repository.ts';
import type { AuditEntry } from './audit.service.ts';

export interface AuditSubjects {
  /** Staff by id, and by e-mail (an entry's actor is the e-mail they had then). */
  staffById: Map<number, { id: number; name: string }>;
  staffByEmail: Map<string, { id: number; name: string }>;
  comments: Map<number, { authorName: string; articleId: number }>;
  articles: Map<number, { title: string; slug: string }>;
}

const idsOf = (entries: AuditEntry[], kind: string) =>
  entries
    .flatMap((e) => (e.subject.startsWith(`${kind}:`) ? [Number(e.subject.slice(kind.length + 1))] : []))
    .filter(Number.isSafeInteger);

export async function loadAuditSubjects(db: Kysely<Database>, entries: AuditEntry[]): Promise<AuditSubjects> {
  const commentIds = [
    ...new Set([
      ...idsOf(entries, 'comment'),
      ...entries.flatMap((e) => (typeof e.details.parent === 'number' ? [e.details.parent] : [])),
    ]),
  ];
  const comments = await repo.findCommentAuthors(db, commentIds);
  const articleIds = [
    ...new Set([
      ...idsOf(entries, 'article'),
      ...comments.map((c) => c.article_id),
      ...entries.flatMap((e) => (typeof e.details.article === 'number' ? [e.details.article] : [])),
    ]),
  ];
  const articles = await repo.findArticleTitles(db, articleIds);
  const userIds = [
    ...new Set([...idsOf(entries, 'user'), ...entries.flatMap((e) => (e.userId === null ? [] : [e.userId]))]),
  ];
  const emails = [...new Set(entries.map((e) => e.actor).filter((a) => a.includes('@')))];
  const users = await repo.findStaffNames(db, { ids: userIds, emails });
  return {
    staffById: new Map(users.map((u) => [u.id, { id: u.id, name: u.display_name }])),
    staffByEmail: new Map(users.map((u) => [u.email, { id: u.id, name: u.display_name }])),
    comments: new Map(comments.map((c) => [c.id, { authorName: c.author_name, articleId: c.article_id }])),
    articles: new Map(articles.map((a) => [a.id, { title: a.title, slug: a.slug }])),
  };
}
