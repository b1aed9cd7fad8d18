// One audit entry as a sentence with links: "Ana approved a comment by Ben on ‘Title’", rather
// than `comment.approved comment:5`. An action this file does not know is still shown, in the
// plainest words it can manage.
import type { ComponentChildren } from 'preact';
import type { AuditEntry } from './audit.service.ts';
import type { AuditSubjects } from './audit-subjects.ts';
import { SETTINGS_FIELDS } from '../settings/settings-admin-form.ts';

const COMMENT_VERBS: Record<string, [string, string]> = {
  'comment.approved': ['approved', ''],
  'comment.spam': ['marked', ' as spam'],
  'comment.trash': ['moved', ' to the trash'],
  'comment.pending': ['returned', ' to the queue'],
  'comment.edit': ['edited the text of', ''],
};

const ARTICLE_VERBS: Record<string, string> = {
  'article.create': 'created',
  'article.save': 'saved',
  'article.submit': 'submitted for review',
  'article.publish': 'published',
  'article.schedule': 'scheduled',
  'article.unpublish': 'unpublished',
  'article.restore': 'restored an earlier revision of',
};

/** Detail keys the sentence already says, per action prefix: not listed again below it. */
export const SAID: Record<string, readonly string[]> = {
  comment: ['article', 'from', 'parent', 'text', 'via'],
  article: ['action', 'status', 'slug'],
  ban: ['name', 'comment', 'kind'],
  user: ['email', 'role'],
  settings: ['changed'],
};

const SETTING_LABELS = SETTINGS_FIELDS as Record<string, { label: string } | undefined>;

export function AuditSentence({ entry, subjects }: { entry: AuditEntry; subjects: AuditSubjects }) {
  const staff =
    (entry.userId !== null ? subjects.staffById.get(entry.userId) : undefined) ??
    subjects.staffByEmail.get(entry.actor);
  const actor = staff ? (
    <a href="/admin/users">{staff.name}</a>
  ) : entry.actor === 'cli' ? (
    'The command line'
  ) : entry.actor === 'reader' ? (
    'A reader'
  ) : (
    entry.actor
  );
  const [kind = '', rawId = ''] = entry.subject.split(':');
  const id = Number(rawId);
  const article = (articleId: unknown): ComponentChildren => {
    const found = typeof articleId === 'number' ? subjects.articles.get(articleId) : undefined;
    return found ? (
      <a href={`/admin/articles/${articleId}/edit`}>‘{found.title}’</a>
    ) : typeof articleId === 'number' ? (
      `article #${articleId}`
    ) : (
      'an article'
    );
  };
  const comment = (commentId: number): ComponentChildren => {
    const found = subjects.comments.get(commentId);
    const link = <a href={`/admin/comments?status=all&q=%23${commentId}`}>a comment</a>;
    if (!found)
      return (
        <>
          {link} (#{commentId}, since deleted)
        </>
      );
    return (
      <>
        {link} by {found.authorName} on {article(found.articleId)}
      </>
    );
  };

  const verbs = COMMENT_VERBS[entry.action];
  if (verbs && kind === 'comment') {
    return (
      <>
        {actor} {verbs[0]} {comment(id)}
        {verbs[1]}
        {entry.details.via === 'reply' ? ' by replying to it' : ''}.
      </>
    );
  }
  if (entry.action === 'comment.reply') {
    const parent = typeof entry.details.parent === 'number' ? entry.details.parent : null;
    const parentAuthor = parent !== null ? subjects.comments.get(parent)?.authorName : undefined;
    return (
      <>
        {actor} <a href={`/admin/comments?status=all&q=%23${id}`}>replied</a> to {parentAuthor ?? 'a comment'} on{' '}
        {article(entry.details.article)}.
      </>
    );
  }
  const articleVerb = ARTICLE_VERBS[entry.action];
  if (articleVerb && kind === 'article') {
    return (
      <>
        {actor} {articleVerb} {article(id)}
        {entry.action === 'article.restore' && entry.details.revision !== undefined
          ? ` (revision #${String(entry.details.revision)})`
          : ''}
        .
      </>
    );
  }
  const name = typeof entry.details.name === 'string' ? entry.details.name : 'a commenter';
  const user = kind === 'user' ? subjects.staffById.get(id) : undefined;
  const userName = user ? (
    <a href="/admin/users">{user.name}</a>
  ) : typeof entry.details.email === 'string' ? (
    entry.details.email
  ) : (
    'a staff member'
  );
  switch (entry.action) {
    case 'ban.create':
      return (
        <>
          {actor} <a href="/admin/bans">banned</a> {name}
          {typeof entry.details.comment === 'number' ? <> for {comment(entry.details.comment)}</> : null}.
        </>
      );
    case 'ban.lift':
      return (
        <>
          {actor} lifted the <a href="/admin/bans">ban</a> on {name}.
        </>
      );
    case 'settings.update': {
      const changed = Array.isArray(entry.details.changed)
        ? entry.details.changed.map((key) => SETTING_LABELS[String(key)]?.label ?? String(key))
        : [];
      return (
        <>
          {actor} changed the <a href="/admin/settings">site settings</a>
          {changed.length ? `: ${changed.join(', ')}` : ''}.
        </>
      );
    }
    case 'user.create':
      return (
        <>
          {actor} added {userName} to the staff
          {typeof entry.details.role === 'string' ? ` as ${entry.details.role}` : ''}.
        </>
      );
    case 'user.update':
      return (
        <>
          {actor} changed {userName}'s account.
        </>
      );
    case 'user.password_change':
      return (
        <>
          {actor} changed {user && staff && user.id === staff.id ? 'their own' : <>{userName}'s</>} password.
        </>
      );
    case 'login':
      return <>{actor} logged in.</>;
    case 'outbox.retry':
      return (
        <>
          {actor} retried message #{rawId} in the <a href="/admin/outbox">outbox</a>.
        </>
      );
    case 'privacy.erased':
      return <>A reader erased their data.</>;
  }
  if (kind === 'webhook') {
    return (
      <>
        {actor} {entry.action.replace(/^webhook\./, '').replace(/[._]/g, ' ')}{' '}
        <a href="/admin/webhooks">webhook #{rawId}</a>.
      </>
    );
  }
  return (
    <>
      {actor}: {entry.action.replace(/[._]/g, ' ')}
      {entry.subject ? ` (${entry.subject.replace(':', ' #')})` : ''}.
    </>
  );
}
