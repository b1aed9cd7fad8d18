// `broadsheet migrate-data --from URL --to URL`: copies a whole site between databases (SQLite
// to PostgreSQL, or back), with a progress bar, and verifies the row counts. Safe to re-run.
import { parseArgs } from 'node:util';
import { ConfigError, parseDatabaseUrl } from '../config.ts';
import { migrateData, MigrateDataError } from '../db/migrate-data.ts';
import { createProgressBar } from './progress-bar.ts';
import { UsageError } from './usage-error.ts';

export async function migrateDataCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, replace: { type: 'boolean' } },
  });
  if (!values.from || !values.to) throw new UsageError('migrate-data needs --from URL and --to URL');
  if (values.from === values.to) throw new UsageError('--from and --to are the same database');
  const from = parseTarget(values.from, '--from');
  const to = parseTarget(values.to, '--to');
  const bar = createProgressBar();
  let current: { table: string; copied: number; total: number } | undefined;
  const finishCurrent = () => current && bar.finish(current.table, current.copied, current.total);
  try {
    const counts = await migrateData({
      from,
      to,
      replace: values.replace,
      onNotice: (message) => console.error(message),
      onProgress: ({ table, copied, total }) => {
        if (current && current.table !== table) finishCurrent();
        current = { table, copied, total };
        bar.update(table, copied, total);
      },
    });
    finishCurrent();
    const width = Math.max(...counts.map((c) => c.table.length));
    console.log(`${'table'.padEnd(width)}  ${'source'.padStart(9)}  ${'target'.padStart(9)}`);
    for (const c of counts)
      console.log(
        `${c.table.padEnd(width)}  ${String(c.source).padStart(9)}  ${String(c.target).padStart(9)} ` +
          ` ${c.source === c.target ? 'ok' : 'DIFFERS'}`,
      );
    console.log(
      `Copied ${counts.reduce((n, c) => n + c.target, 0)} rows in ${counts.length} tables; every count matches.`,
    );
    return 0;
  } catch (error) {
    if (current && process.stderr.isTTY) process.stderr.write('\n');
    if (error instanceof MigrateDataError) {
      console.error(`broadsheet: migrate-data: ${error.message}; the target was not changed.`);
      return 1;
    }
    throw error;
  }
}

function parseTarget(url: string, option: string) {
  try {
    return parseDatabaseUrl(url, option);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
