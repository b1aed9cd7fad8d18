#!/usr/bin/env node
// `npm test`: the type check, then the suite on each engine.
//   1. tsc --noEmit, and the build (dist/, which the CLI tests run as `broadsheet` does)
//   2. unit, HTTP and CLI tests on SQLite, with the browser tests (e2e/, on SQLite: once is enough)
//   3. the unit, HTTP and CLI tests again on PostgreSQL (TEST_DATABASE=postgres, each test app in a
//      fresh schema of TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
// When PostgreSQL does not answer, step 3 is skipped with a message, except under CI=true, where
// that is a failure: a green CI run must mean both engines were tested.
// Each pass ends with node's test-runner summary lines (`# tests N`, `# pass N`, `# fail N`…),
// printed again together at the end for CI to read.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const onCi = process.env.CI === 'true';
const postgresUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const shownUrl = postgresUrl.replace(/\/\/[^@/]*@/, '//***@');

const testFiles = (dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => `${dir}/${name}`);

/** Runs a command, passing its output through; resolves with its exit code and what it printed. */
function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** The test runner's closing counts (tap: `# pass 3`; spec: `ℹ pass 3`), the last of each. */
function counts(output) {
  const found = {};
  for (const [, name, value] of output.matchAll(/^(?:# |ℹ )(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/gm)) found[name] = value;
  return found;
}

function summaryLines(found) {
  return ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms'].filter((k) => k in found).map((k) => `# ${k} ${found[k]}`);
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

function testRun(files, env) {
  // A terminal gets the readable reporter; a pipe (CI) the default TAP, whose summary is `# …`.
  const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
  return run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporter, ...files], env);
}

const results = [];

console.log('== Type check (tsc --noEmit)');
const typecheck = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']);
if (typecheck.code !== 0) {
  console.error('\nnpm test: the type check failed; no tests were run.');
  process.exit(1);
}
const built = await run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
if (built.code !== 0) {
  console.error('\nnpm test: the build failed; no tests were run.');
  process.exit(1);
}

console.log('\n== SQLite: unit, HTTP and CLI tests, and the browser tests');
const sqlite = await testRun([...testFiles('test'), ...testFiles('e2e')], { TEST_DATABASE: 'sqlite' });
results.push({ name: 'SQLite (test/ and e2e/)', code: sqlite.code, found: counts(sqlite.output) });

const problem = await postgresProblem();
if (problem && onCi) {
  console.error(`\n== PostgreSQL: not reachable at ${shownUrl} (${problem}). CI=true requires it: failing.`);
  results.push({ name: 'PostgreSQL (test/)', code: 1, note: `not reachable at ${shownUrl} (${problem}); required under CI=true` });
} else if (problem) {
  console.log(`\n== PostgreSQL: SKIPPED — not reachable at ${shownUrl} (${problem}).`);
  console.log('   Start PostgreSQL (or set TEST_DATABASE_URL) to run the suite on it too; with CI=true this is a failure.');
  results.push({ name: 'PostgreSQL (test/)', code: 0, note: `skipped: not reachable at ${shownUrl}` });
} else {
  console.log(`\n== PostgreSQL (${shownUrl}): unit, HTTP and CLI tests`);
  const postgres = await testRun(testFiles('test'), { TEST_DATABASE: 'postgres', TEST_DATABASE_URL: postgresUrl });
  results.push({ name: 'PostgreSQL (test/)', code: postgres.code, found: counts(postgres.output) });
}

console.log('\n==== npm test summary ====');
console.log('type check: ok');
for (const { name, code, found, note } of results) {
  console.log(`\n${name}: ${code === 0 ? 'ok' : 'FAILED'}${note ? ` (${note})` : ''}`);
  if (found) for (const line of summaryLines(found)) console.log(line);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
