// The `import` part of the bench: a generated WordPress export of 20,000 posts and 200,000
// comments imported into an empty database by `bench/import-child.ts` in a process of its own, so
// its peak memory (maxRSS) is the import's alone. Comments per second count the whole import:
// both passes over the file, the posts, their conversion and every write.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWxr } from './wxr-generator.ts';

export const IMPORT_SITE = { posts: 20_000, commentsPerPost: 10 };
export const IMPORT_TARGETS = { commentsPerSecond: 5000, peakRssMb: 300 };

export interface ImportRun {
  seconds: number;
  peakRssMb: number;
  counts: Record<string, number>;
  fileMb: number;
}

let generated: string | undefined;

/** The export, written once per bench run (about 200 MB). */
export async function benchExport(): Promise<string> {
  if (generated && existsSync(generated)) return generated;
  const file = join(mkdtempSync(join(tmpdir(), 'broadsheet-wxr-')), 'site.xml');
  await writeWxr(file, IMPORT_SITE);
  generated = file;
  return file;
}

export async function runImport(databaseUrl: string, mediaDir: string): Promise<ImportRun> {
  const file = await benchExport();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./import-child.ts', import.meta.url)), databaseUrl, mediaDir, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`the import process exited with ${code}: ${out}`);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Omit<ImportRun, 'fileMb'>;
  return { ...result, fileMb: statSync(file).size / 1024 / 1024 };
}
