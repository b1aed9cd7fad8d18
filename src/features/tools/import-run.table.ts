import type { Generated, Selectable } from 'kysely';

export type ImportRunStatus = 'running' | 'done' | 'failed';

/** An import started from /admin/tools: its progress while it runs, its report after. */
export interface ImportRunTable {
  id: Generated<number>;
  file_name: string;
  format: Generated<string>;
  status: ImportRunStatus;
  step: Generated<string>;
  done: Generated<number>;
  total: Generated<number>;
  /** The ImportReport as JSON once finished; empty before. */
  report: Generated<string>;
  error: Generated<string>;
  started_by: number | null;
  started_at: string;
  finished_at: string | null;
}

export type ImportRunRow = Selectable<ImportRunTable>;
