// The server's log: JSON lines for a pipe or file (what log collectors read), short readable
// lines on a terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { formatLogLine } from '../src/lib/log-output.ts';
import { startInstance, type Instance } from './helpers/instance.ts';
import { BIN, spawnChild } from './helpers/process.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-app.ts';

const at = new Date(2026, 3, 14, 9, 5, 7, 42).getTime();

describe('a log line for a person', () => {
  it('shows the time, the level and the message, then the other fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: at,
      pid: 1,
      hostname: 'h',
      name: 'broadsheet',
      msg: 'Redis is unreachable',
      url: 'redis://127.0.0.1:6379',
      attempt: 3,
    });
    assert.equal(formatLogLine(line), '09:05:07.042 WARN  Redis is unreachable url=redis://127.0.0.1:6379 attempt=3\n');
  });

  it('quotes text with spaces, shows a request as its method and URL, and indents an error stack', () => {
    const line = JSON.stringify({
      level: 50,
      time: at,
      msg: 'request failed',
      reason: 'two words',
      req: { method: 'POST', url: '/articles/x/rating', remoteAddress: '::1' },
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at handler (x.ts:1:1)' },
    });
    assert.equal(
      formatLogLine(line),
      '09:05:07.042 ERROR request failed reason="two words" req="POST /articles/x/rating"\n    Error: boom\n' +
        '        at handler (x.ts:1:1)\n',
    );
  });

  it('colours the level when the terminal has colours, and passes through what is not a log entry', () => {
    assert.match(
      formatLogLine(JSON.stringify({ level: 30, time: at, msg: 'hi' }), { colour: true }),
      /\u001b\[32mINFO \u001b\[39m hi/,
    );
    assert.equal(formatLogLine('not json\n'), 'not json\n');
    assert.equal(formatLogLine('[1,2]\n'), '[1,2]\n');
  });
});

describe('the log of `broadsheet serve`', { timeout: 240_000 }, () => {
  let database: TestDatabase;
  let instance: Instance | undefined;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await instance?.stop();
    await database?.drop();
  });

  it('is one JSON object per line when its output is not a terminal', async () => {
    instance = await startInstance(
      { DATABASE_URL: database.url, MEDIA_DIR: `${database.dir}/media` },
      { timeoutMs: 60_000 },
    );
    await fetch(`${instance.url}/healthz`);
    await instance.stop();
    const lines = instance.output().split('\n').filter(Boolean);
    assert.ok(lines.length >= 2, instance.output());
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: unknown; time: unknown; msg: unknown };
      assert.equal(typeof entry.level, 'number', line);
      assert.equal(typeof entry.time, 'number', line);
    }
    assert.ok(lines.some((line) => /"msg":"Server listening at http:\/\/127\.0\.0\.1:\d+"/.test(line)));
  });

  const noScript = spawnSync('script', ['--version']).error ? 'script(1) from util-linux is not installed' : false;
  it('is a readable line per entry on a terminal', { skip: noScript }, async () => {
    // script(1) runs the server on a pseudo-terminal of its own, as an operator's shell would.
    const command = `exec '${process.execPath}' '${BIN}' serve --no-demo`;
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TERM: 'dumb',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      MEDIA_DIR: `${database.dir}/media`,
    };
    const terminal = spawnChild('script', ['-qfec', command, '/dev/null'], { env });
    let url: string | undefined;
    try {
      [, url] = await terminal.waitFor(
        /\d\d:\d\d:\d\d\.\d{3} INFO {2}Server listening at (http:\/\/127\.0\.0\.1:\d+)/,
        'the server on a terminal to listen',
        60_000,
      );
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.doesNotMatch(terminal.output(), /\{"level"/, 'no JSON on the terminal');
    } finally {
      await terminal.stop();
    }
    await assert.rejects(fetch(`${url}/healthz`), 'the server went with its terminal');
  });
});
