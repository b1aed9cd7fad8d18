// `broadsheet comments …`: moderation from the command line.
import { parseArgs } from 'node:util';
import type { Services } from '../deps.ts';
import { CLI_ACTOR } from '../features/audit/audit.service.ts';
import type { CommentStatus } from '../features/comments/comment.table.ts';
import { visibleControls } from '../lib/control-chars.ts';
import { UsageError } from './usage-error.ts';

const STATUSES: CommentStatus[] = ['pending', 'approved', 'spam', 'trash'];
const ACTIONS: Record<string, CommentStatus> = {
  approve: 'approved',
  spam: 'spam',
  trash: 'trash',
  pending: 'pending',
};

/** Reader text on one line, its control characters written out rather than obeyed by the terminal. */
function shown(text: string): string {
  return visibleControls(text).replace(/\s+/g, ' ').trim();
}

export async function commentsCommand({ comments }: Pick<Services, 'comments'>, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: { status: { type: 'string' }, limit: { type: 'string', default: '50' } },
    });
    const status = values.status as CommentStatus | undefined;
    if (status && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const rows = await comments.listForModeration({ status, limit: Number(values.limit) || 50 });
    if (rows.length === 0) console.log('No comments.');
    for (const c of rows) {
      const text = shown(c.bodyHtml.replace(/<[^>]+>/g, ' '));
      console.log(`#${c.id}  ${c.status.padEnd(8)}  ${c.createdAt}  /articles/${shown(c.articleSlug)}`);
      console.log(
        `    ${shown(c.authorName)} <${shown(c.authorEmail)}>${c.heldReason ? `  held: ${shown(c.heldReason)}` : ''}`,
      );
      console.log(`    ${text.length > 100 ? text.slice(0, 99) + '…' : text}`);
    }
    return 0;
  }
  const status = action ? ACTIONS[action] : undefined;
  if (!status) throw new UsageError('comments needs list, approve, spam or trash');
  const ids = rest.map((id) => Number(id.replace(/^#/, '')));
  if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0))
    throw new UsageError(`comments ${action} needs one or more comment ids`);
  const changed = await comments.setStatus(ids, status, CLI_ACTOR);
  console.log(`${changed} comment${changed === 1 ? '' : 's'} marked ${status}.`);
  return 0;
}
