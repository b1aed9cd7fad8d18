// SQL for the imports started from /admin/tools.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ImportRunRow, ImportRunStatus } from './import-run.table.ts';

type Q = Kysely<Database>;

export async function insertRun(
  db: Q,
  row: { file_name: string; started_by: number | null; started_at: string },
): Promise<number> {
  const inserted = await db
    .insertInto('import_runs')
    .values({ ...row, status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateProgress(
  db: Q,
  id: number,
  progress: { step: string; done: number; total: number },
): Promise<void> {
  await db.updateTable('import_runs').set(progress).where('id', '=', id).where('status', '=', 'running').execute();
}

export async function finishRun(
  db: Q,
  id: number,
  end: {
    status: Exclude<ImportRunStatus, 'running'>;
    format: string;
    report: string;
    error: string;
    finished_at: string;
  },
): Promise<void> {
  await db.updateTable('import_runs').set(end).where('id', '=', id).execute();
}

export function findRun(db: Q, id: number): Promise<ImportRunRow | undefined> {
  return db.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRuns(db: Q, limit: number): Promise<ImportRunRow[]> {
  return db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** Runs a stopped instance left "running" (it cannot finish them any more). */
export async function abandonRuns(db: Q, before: string, now: string): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status: 'failed', error: 'the server stopped while it ran', finished_at: now })
    .where('status', '=', 'running')
    .where('started_at', '<', before)
    .execute();
}
