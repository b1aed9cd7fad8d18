// `broadsheet backup FILE` and `broadsheet restore [--replace] FILE`, with a progress bar.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { backup, BackupError, restore, type BackupProgress } from '../db/backup.ts';
import { migrateToLatest, openDatabases } from '../db/database.ts';
import { MigrateDataError } from '../db/migrate-data.ts';
import { createProgressBar } from './progress-bar.ts';
import { UsageError } from './usage-error.ts';

function progress() {
  const bar = createProgressBar();
  let current: BackupProgress | undefined;
  return {
    update(p: BackupProgress) {
      if (current && current.step !== p.step) bar.finish(current.step, current.done, current.total);
      current = p;
      bar.update(p.step, p.done, p.total);
    },
    finish() {
      if (current) bar.finish(current.step, current.done, current.total);
      current = undefined;
    },
    abandon() {
      if (current && process.stderr.isTTY) process.stderr.write('\n');
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function backupCommand(config: Config, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('backup needs one FILE');
  const { db } = await openDatabases({ ...config, readDatabase: undefined, databasePoolSize: 2 });
  const bar = progress();
  try {
    await migrateToLatest(db);
    const summary = await backup(db, {
      file: positionals[0]!,
      mediaDir: config.mediaDir,
      onProgress: (p) => bar.update(p),
    });
    bar.finish();
    console.log(
      `Backed up ${summary.rows} rows and ${summary.files} media files to ${positionals[0]} (${mb(summary.bytes)}).`,
    );
    return 0;
  } catch (error) {
    bar.abandon();
    if (error instanceof BackupError || error instanceof MigrateDataError) {
      console.error(`broadsheet: backup: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

export async function restoreCommand(config: Config, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { replace: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('restore needs one FILE');
  const { db } = await openDatabases({ ...config, readDatabase: undefined, databasePoolSize: 2 });
  const bar = progress();
  try {
    const summary = await restore(db, {
      file: positionals[0]!,
      mediaDir: config.mediaDir,
      replace: values.replace,
      onProgress: (p) => bar.update(p),
      onNotice: (message) => console.error(message),
    });
    bar.finish();
    console.log(`Restored ${summary.rows} rows and ${summary.files} media files from ${positionals[0]}.`);
    return 0;
  } catch (error) {
    bar.abandon();
    if (error instanceof BackupError || error instanceof MigrateDataError) {
      console.error(`broadsheet: restore: ${error.message}; the database was not changed.`);
      return 1;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}
