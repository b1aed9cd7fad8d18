// Who may do what with an article. Authors write and submit their own drafts; editors and
// admins edit anyone's article and decide when it is published. Moderators never get here
// (the routes admit only the 'author' access level), and these rules hold even if they did.
import type { StaffUser } from '../staff/staff.service.ts';
import type { EditorAction } from './article-editor.model.ts';

type Owned = { authorId: number | null; status: string };

export function isEditor(user: Pick<StaffUser, 'role'>): boolean {
  return user.role === 'admin' || user.role === 'editor';
}

function isWriter(user: Pick<StaffUser, 'role'>): boolean {
  return isEditor(user) || user.role === 'author';
}

/** Why this person may not open the article in the editor, or undefined when they may. */
export function viewProblem(user: Pick<StaffUser, 'id' | 'role'>, article: Owned): string | undefined {
  if (!isWriter(user)) return 'You are not allowed to work on articles.';
  if (isEditor(user) || article.authorId === user.id) return undefined;
  return 'You can only open your own articles. Ask an editor for this one.';
}

/** Why this person may not change the article (null: a new one), or undefined when they may. */
export function editProblem(user: Pick<StaffUser, 'id' | 'role'>, article: Owned | null): string | undefined {
  if (!isWriter(user)) return 'You are not allowed to work on articles.';
  if (isEditor(user) || article === null) return undefined;
  if (article.authorId !== user.id) return 'You can only edit your own articles.';
  if (article.status !== 'draft') return 'This article is scheduled or published: only an editor can change it now.';
  return undefined;
}

/** Why this person may not take this action, or undefined when they may. */
export function actionProblem(user: Pick<StaffUser, 'role'>, action: EditorAction): string | undefined {
  if (action === 'save' || action === 'submit') return undefined;
  return isEditor(user) ? undefined : 'Only an editor can publish, schedule or unpublish an article.';
}
