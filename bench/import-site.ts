// The `import` part of the bench: a generated WordPress export of 20,000 posts and 200,000
// comments imported into an empty database by the `broadsheet import` command itself (the
// compiled CLI, as operators run it), in a process of its own. Its peak memory is read from
// Linux's /proc (VmHWM, the resident set's high-water mark) and its CPU time likewise, so a
// machine shared with other work still gives a meaningful cost. Comments per second count the
// whole import: both passes over the file, the posts, their conversion and every write.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWxr } from './wxr-generator.ts';

// BENCH_IMPORT_POSTS makes a smaller export, to try the bench out.
export const IMPORT_SITE = { posts: Number(process.env.BENCH_IMPORT_POSTS) || 20_000, commentsPerPost: 10 };
export const IMPORT_TARGETS = { commentsPerSecond: 5000, peakRssMb: 300 };

export interface ImportRun {
  seconds: number;
  /** CPU time of the import process (user + system). */
  cpuSeconds: number;
  /** CPU time of the database's own processes meanwhile (PostgreSQL; 0 for SQLite, which runs inside the import). */
  databaseCpuSeconds: number;
  peakRssMb: number;
  comments: number;
  articles: number;
  fileMb: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let generated: string | undefined;

/** The export, written once per bench run (about 200 MB). */
export async function benchExport(): Promise<string> {
  if (generated && existsSync(generated)) return generated;
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-wxr-'));
  // Shared by the engines' runs, removed when the bench ends.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'site.xml');
  await writeWxr(file, IMPORT_SITE);
  generated = file;
  return file;
}

/** VmHWM (kB → MB) and CPU seconds of a running process, from /proc; undefined once it is gone. */
function sample(pid: number): { peakRssMb: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    const ticks = Number(fields[11]) + Number(fields[12]);
    // A process that has ended but not been reaped has no memory lines any more.
    const hwm = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return hwm ? { peakRssMb: Number(hwm) / 1024, cpuSeconds: ticks / 100 } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `databaseCpu` reads the CPU time of the database server's processes by pid (PostgreSQL's), when
 * it has one. It is read throughout the run: the backend serving the import exits with it, and
 * its time with it.
 */
export async function runImport(
  databaseUrl: string,
  mediaDir: string,
  databaseCpu: () => Map<number, number> = () => new Map(),
): Promise<ImportRun> {
  const file = await benchExport();
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed: ${build.stderr}`);
  const databaseBefore = databaseCpu();
  const databaseLast = new Map(databaseBefore);
  const sampleDatabase = () => {
    for (const [pid, ms] of databaseCpu()) databaseLast.set(pid, ms);
  };
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'broadsheet.js'), 'import', file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, MEDIA_DIR: mediaDir, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let last = { peakRssMb: 0, cpuSeconds: 0 };
  // The high-water mark only grows, so the last sample before the process ends is its peak (to
  // within the interval's growth); the CPU time likewise.
  const timer = setInterval(() => {
    last = sample(child.pid!) ?? last;
    sampleDatabase();
  }, 50);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  sampleDatabase();
  let databaseMs = 0;
  for (const [pid, ms] of databaseLast) databaseMs += ms - (databaseBefore.get(pid) ?? 0);
  const databaseCpuSeconds = databaseMs / 1000;
  if (code !== 0) throw new Error(`broadsheet import exited with ${code}: ${err.slice(-500)}`);
  const number = (label: string) => Number((new RegExp(`([\\d,]+) ${label}`).exec(out)?.[1] ?? '0').replace(/,/g, ''));
  return {
    seconds,
    cpuSeconds: last.cpuSeconds,
    databaseCpuSeconds,
    peakRssMb: last.peakRssMb,
    comments: number('comments'),
    articles: number('articles'),
    fileMb: statSync(file).size / 1024 / 1024,
  };
}
