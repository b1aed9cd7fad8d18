#!/usr/bin/env node
// The test commands (see README.md, "Tests"):
//   npm test                 1. the format and lint check (Biome, `npm run lint`), tsc --noEmit, and the build
//                               (dist/, which the CLI tests run as `broadsheet` does)
//                            2. unit, HTTP and CLI tests on SQLite, with the browser tests (e2e/: once is enough)
//                            3. the unit, HTTP and CLI tests again on PostgreSQL (TEST_DATABASE=postgres, each
//                               test app in a fresh schema of TEST_DATABASE_URL, default
//                               postgres://postgres@127.0.0.1:5432/test)
//   npm run test:fast        the build, then step 2 without the browser tests (no type check)
//   npm run test:postgres    step 3 alone
// Any of them takes test files to run instead of all (`npm run test:fast -- test/cli.test.ts`) and
// `--reporter=spec|dot|tap`: a terminal gets dots (failures in full at the end), a pipe (CI) the
// name of every test. When PostgreSQL does not answer, its pass is skipped with a message, except
// under CI=true, where that is a failure: a green CI run must mean both engines were tested.
// Each test file runs in its own process, ended as a failure after TEST_FILE_TIMEOUT_MS (default
// 15 minutes) so that a hung test cannot hang the run, and every pass ends with its counts,
// duration and the names of its failed tests, printed again together at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const onCi = process.env.CI === 'true';
const postgresUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const shownUrl = postgresUrl.replace(/\/\/[^@/]*@/, '//***@');

const args = process.argv.slice(2);
const mode = args.includes('--fast') ? 'fast' : args.includes('--postgres') ? 'postgres' : 'all';
const reporter =
  args.find((a) => a.startsWith('--reporter='))?.slice('--reporter='.length) ?? (process.stdout.isTTY ? 'dot' : 'spec');
const chosenFiles = args.filter((a) => !a.startsWith('--'));

const testFiles = (dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => `${dir}/${name}`);

/** Runs a command with its output passed through; resolves with its exit code. */
function run(command, commandArgs, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function postgresProblem() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error.message || error.code || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const summaryDir = mkdtempSync(join(tmpdir(), 'broadsheet-test-summary-'));
process.on('exit', () => rmSync(summaryDir, { recursive: true, force: true }));

/** One pass of the runner over `files`; resolves with its exit code, counts, failures and duration. */
async function testRun(name, files, env) {
  const summaryFile = join(summaryDir, `${results.length}.json`);
  const started = Date.now();
  const code = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/helpers/file-timeout.ts',
      '--test',
      '--test-concurrency=2',
      '--test-force-exit',
      `--test-reporter=${reporter}`,
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/test-summary.reporter.mjs',
      '--test-reporter-destination=stdout',
      ...files,
    ],
    { ...env, TEST_SUMMARY_FILE: summaryFile },
  );
  let summary = { counts: {}, failures: [] };
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch {
    // no test reported anything (the runner itself failed): the exit code says so
  }
  return { name, code, ...summary, seconds: (Date.now() - started) / 1000 };
}

const fileCount = (files) => `${files.length} test file${files.length === 1 ? '' : 's'}`;
const duration = (seconds) => `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;

function printPass({ name, code, counts, failures, seconds, note }) {
  console.log(
    `\n${name}: ` +
      `${code === 0 ? 'ok' : 'FAILED'}${note ? ` (${note})` : ''}` +
      `${seconds !== undefined ? ` in ${duration(seconds)}` : ''}`,
  );
  if (counts && 'tests' in counts) {
    const parts = [`${counts.pass ?? 0} passed`, `${counts.fail ?? 0} failed`];
    for (const key of ['cancelled', 'skipped', 'todo']) if (counts[key]) parts.push(`${counts[key]} ${key}`);
    console.log(`  ${counts.tests} tests: ${parts.join(', ')}`);
    // The runner's own closing lines, for anything that reads them.
    for (const key of ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'])
      if (key in counts) console.log(`  # ${key} ${counts[key]}`);
  }
  for (const failure of failures ?? []) {
    const file = failure.file ? relative(root, failure.file.replace(/^file:\/\//, '')) : '';
    const where =
      failure.test === failure.file
        ? `${file}: the file itself (it crashed, or outran TEST_FILE_TIMEOUT_MS)`
        : `${file ? `${file} › ` : ''}${failure.test}`;
    console.log(`  ✖ ${where}${failure.error ? `\n      ${failure.error}` : ''}`);
  }
}

const results = [];
const allStarted = Date.now();

if (mode === 'all') {
  console.log('== Format and lint check (biome ci)');
  const biome = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  if ((await run(process.execPath, [biome, 'ci', '--error-on-warnings', '.'])) !== 0) {
    console.error('\nnpm test: the format or lint check failed; no tests were run.');
    console.error('`npm run format` rewrites the files in the house format; lint findings above are fixed by hand.');
    process.exit(1);
  }
  console.log('== Type check (tsc --noEmit)');
  if (
    (await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'])) !== 0
  ) {
    console.error('\nnpm test: the type check failed; no tests were run.');
    process.exit(1);
  }
}
// The CLI tests run dist/ as `broadsheet` does, which refuses a build older than src/ (a few seconds).
if ((await run(process.execPath, [join(root, 'scripts', 'build.mjs')])) !== 0) {
  console.error('\nnpm test: the build failed; no tests were run.');
  process.exit(1);
}

if (mode !== 'postgres') {
  const withBrowser = mode === 'all' && chosenFiles.length === 0;
  const files = chosenFiles.length > 0 ? chosenFiles : [...testFiles('test'), ...(withBrowser ? testFiles('e2e') : [])];
  const name = withBrowser ? 'SQLite (test/ and e2e/)' : 'SQLite';
  console.log(`\n== ${name}: ${fileCount(files)}${withBrowser ? ', the browser tests included' : ''}`);
  results.push(await testRun(name, files, { TEST_DATABASE: 'sqlite' }));
}

if (mode !== 'fast') {
  const name = 'PostgreSQL';
  const problem = await postgresProblem();
  if (problem && onCi) {
    console.error(`\n== PostgreSQL: not reachable at ${shownUrl} (${problem}). CI=true requires it: failing.`);
    results.push({ name, code: 1, note: `not reachable at ${shownUrl} (${problem}); required under CI=true` });
  } else if (problem) {
    console.log(`\n== PostgreSQL: SKIPPED — not reachable at ${shownUrl} (${problem}).`);
    console.log(
      '   Start PostgreSQL (or set TEST_DATABASE_URL) to run the suite on it too; with CI=true this is a failure.',
    );
    results.push({ name, code: mode === 'postgres' ? 1 : 0, note: `skipped: not reachable at ${shownUrl}` });
  } else {
    const files = chosenFiles.length > 0 ? chosenFiles : testFiles('test');
    console.log(`\n== PostgreSQL (${shownUrl}): ${fileCount(files)}`);
    results.push(await testRun(name, files, { TEST_DATABASE: 'postgres', TEST_DATABASE_URL: postgresUrl }));
  }
}

console.log(`\n==== test summary (${duration((Date.now() - allStarted) / 1000)} in all) ====`);
if (mode === 'all') console.log('\nformat and lint check: ok\ntype check: ok');
for (const result of results) printPass(result);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
