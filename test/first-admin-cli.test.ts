// What a new operator meets on the command line: `serve` prints where the site and the admin are
// and, while no admin exists, a one-time set-up link; `user add` asks for the name readers will
// see, and refuses to make one up when it cannot ask.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { cliEnv, runCli } from './helpers/cli.ts';
import { startInstance } from './helpers/instance.ts';
import { Client, createTestDatabase, textOf, type TestDatabase } from './helpers/test-app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'broadsheet.js');

/**
 * Runs `broadsheet` on a terminal (a pseudo-terminal made by util-linux's `script`), typing each answer when its
 * question appears.
 */
function onTerminal(
  args: string[],
  env: Record<string, string>,
  answers: { after: RegExp; type: string }[],
): Promise<{ code: number | null; output: string }> {
  const command = ['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
  });
  let output = '';
  const pending = [...answers];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    while (pending[0]?.after.test(output)) child.stdin.write(`${pending.shift()!.type}\n`);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('the first admin from the command line', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('serve prints the site, the admin and a set-up link that creates the first admin', async () => {
    const instance = await startInstance(cliEnv(database));
    try {
      const line = await waitFor(() =>
        /Broadsheet is serving (\S+) \(admin: (\S+)\)\. No administrator yet: create the first at (\S+) \(the link works once\)/.exec(
          instance.output(),
        ),
      );
      assert.equal(line[1], instance.url);
      assert.equal(line[2], `${instance.url}/admin`);
      const link = new URL(line[3]!);
      assert.equal(link.origin, instance.url);
      const browser = new Client(instance.url);
      const form = await browser.page(link.pathname);
      assert.equal(form.status, 200);
      const made = await browser.request(link.pathname, {
        method: 'POST',
        form: {
          _csrf: form.csrf,
          email: 'owner@example.org',
          displayName: 'Olive Owner',
          password: 'the owner’s passphrase',
        },
      });
      assert.equal(made.status, 303);
      assert.match(textOf((await browser.page('/admin')).html), /Welcome, Olive Owner/);
    } finally {
      await instance.stop();
    }
    // With an admin, the next start prints no link.
    const again = await startInstance(cliEnv(database));
    try {
      const line = await waitFor(() => /Broadsheet is serving .*/.exec(again.output()));
      assert.doesNotMatch(line[0], /setup|No administrator/);
      assert.match(line[0], /\(admin: http:\/\/127\.0\.0\.1:\d+\/admin\)/);
    } finally {
      await again.stop();
    }
  });

  it('user add asks for the name on a terminal', async () => {
    const run = await onTerminal(
      ['user', 'add', '--email', 'grace@example.org', '--role', 'editor'],
      cliEnv(database),
      [
        { after: /Name shown on bylines and staff replies: /, type: 'Grace Hopper' },
        { after: /Password \(leave empty for a printed one-time password\): /, type: 'a long enough passphrase' },
        { after: /Repeat the password: /, type: 'a long enough passphrase' },
      ],
    );
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Created editor grace@example\.org/);
    assert.doesNotMatch(run.output, /a long enough passphrase/, 'the password is not echoed');
    const list = await runCli(['user', 'list'], cliEnv(database));
    assert.match(list.stdout, /grace@example\.org\tGrace Hopper/);
  });

  it('user add without --name refuses when it cannot ask, and creates nothing', async () => {
    const run = await runCli(['user', 'add', '--email', 'nameless@example.org', '--role', 'author'], cliEnv(database));
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /user add needs --name "Their Name" \(the name readers see on bylines\) when not run on a terminal/,
    );
    const list = await runCli(['user', 'list'], cliEnv(database));
    assert.doesNotMatch(list.stdout, /nameless/);
  });
});

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
