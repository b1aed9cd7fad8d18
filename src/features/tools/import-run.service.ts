// Imports started from /admin/tools: the upload (already on disk) is imported in the background
// by the same code as `broadsheet import`, its progress written to import_runs at most twice a
// second (any instance can show it), its report stored when it ends, the upload then deleted.
import { rm } from 'node:fs/promises';
import { nowIso } from '../../lib/text.ts';
import { formatReport, ImportError, type ImportReport } from '../importer/import-report.ts';
import { importSite, type ImportDeps } from '../importer/import.service.ts';
import * as repo from './import-run.repository.ts';
import type { ImportRunRow } from './import-run.table.ts';

export interface ImportRun {
  id: number;
  fileName: string;
  format: string;
  status: ImportRunRow['status'];
  step: string;
  done: number;
  total: number;
  /** The report as lines (formatReport), once finished. */
  lines: string[];
  counts: Record<string, number>;
  urls: string[];
  error: string;
  startedAt: string;
  finishedAt: string | null;
}

function toRun(row: ImportRunRow): ImportRun {
  const report = row.report ? (JSON.parse(row.report) as ImportReport) : undefined;
  return {
    id: row.id,
    fileName: row.file_name,
    format: row.format,
    status: row.status,
    step: row.step,
    done: Number(row.done),
    total: Number(row.total),
    lines: report ? formatReport(report).slice(1) : [],
    counts: report?.counts ?? {},
    urls: report?.urls ?? [],
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface ImportRunService {
  /** Starts importing `path` (which the run then owns and deletes); resolves with the run's id once it is recorded. */
  start(input: { path: string; fileName: string; createArticles: boolean; userId: number | null }): Promise<number>;
  get(id: number): Promise<ImportRun | undefined>;
  recent(limit?: number): Promise<ImportRun[]>;
  /** Waits for the runs this instance started (tests, shutdown). */
  settled(): Promise<void>;
}

export function createImportRunService(
  services: ImportDeps,
  log: { error(obj: unknown, msg: string): void },
): ImportRunService {
  const { db } = services;
  const running = new Set<Promise<void>>();

  async function run(id: number, input: { path: string; fileName: string; createArticles: boolean }): Promise<void> {
    let last = 0;
    let pending: Promise<void> = Promise.resolve();
    try {
      const report = await importSite(services, input.path, {
        createArticles: input.createArticles,
        onProgress(step, done, total, finished) {
          const now = Date.now();
          if (!finished && now - last < 500) return;
          last = now;
          pending = pending.then(() => repo.updateProgress(db, id, { step, done, total })).catch(() => {});
        },
      });
      await pending;
      report.file = input.fileName;
      await repo.finishRun(db, id, {
        status: 'done',
        format: report.format,
        report: JSON.stringify(report),
        error: '',
        finished_at: nowIso(),
      });
    } catch (error) {
      await pending;
      // An ImportError names the temporary file: show the uploaded file's name instead.
      const message =
        error instanceof ImportError
          ? error.message.replace(input.path, input.fileName)
          : 'the import failed unexpectedly (see the server log)';
      if (!(error instanceof ImportError)) log.error({ err: error }, 'import from /admin/tools failed');
      await repo
        .finishRun(db, id, { status: 'failed', format: '', report: '', error: message, finished_at: nowIso() })
        .catch(() => {});
    } finally {
      await rm(input.path, { force: true });
    }
  }

  return {
    async start(input) {
      const id = await repo.insertRun(db, {
        file_name: input.fileName.slice(0, 200),
        started_by: input.userId,
        started_at: nowIso(),
      });
      const task = run(id, input);
      running.add(task);
      void task.finally(() => running.delete(task));
      return id;
    },
    async get(id) {
      const row = await repo.findRun(db, id);
      return row && toRun(row);
    },
    async recent(limit = 20) {
      return (await repo.listRuns(db, limit)).map(toRun);
    },
    async settled() {
      await Promise.all([...running]);
    },
  };
}
