// `broadsheet spam eval`: RFC 4180 parsing, the corpus format, and cross-validation on the
// shipped corpus showing the classifier works (precision and recall far above chance).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  CorpusError,
  crossValidate,
  formatEvalReport,
  parseCsv,
  readCorpus,
  type EvalResult,
} from '../src/features/spam/spam-eval.ts';
import { runBroadsheet } from './helpers/process.ts';

const CORPUS = fileURLToPath(new URL('./fixtures/spam/corpus.csv', import.meta.url));
const fields = (csv: string) => parseCsv(csv).map((record) => record.fields);

describe('parseCsv', () => {
  it('splits records and fields', () => {
    assert.deepEqual(fields('a,b\nc,d\n'), [
      ['a', 'b'],
      ['c', 'd'],
    ]);
    assert.deepEqual(fields('a,b'), [['a', 'b']], 'no final line break');
    assert.deepEqual(fields('a,b\r\nc,d\r\n'), [
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('quoted fields hold commas, doubled quotes and line breaks', () => {
    assert.deepEqual(fields('"one, two","say ""hi"""\n"line 1\nline 2",x\n'), [
      ['one, two', 'say "hi"'],
      ['line 1\nline 2', 'x'],
    ]);
  });

  it('keeps empty fields; skips blank lines and a byte-order mark', () => {
    assert.deepEqual(fields('\uFEFFa,,c\n\n,\n""\n\n'), [['a', '', 'c'], ['', ''], ['']]);
  });

  it('numbers records by the line they start on', () => {
    assert.deepEqual(
      parseCsv('a,b\n"x\ny",z\n\nlast,one').map((r) => r.line),
      [1, 2, 5],
    );
  });

  it('refuses broken quoting, saying where', () => {
    assert.throws(
      () => parseCsv('ok,fine\n"never closed,x\n'),
      (e: Error) => e instanceof CorpusError && /line 2/.test(e.message) && /never closed/.test(e.message),
    );
    assert.throws(() => parseCsv('"closed"then more,x'), /line 1: text after a closing quote/);
    assert.throws(() => parseCsv('a,b\nhalf"quoted,x'), /line 2: a quote inside an unquoted field/);
  });
});

describe('readCorpus', () => {
  it('reads text,label rows, with or without the header, any case of label', () => {
    const rows = readCorpus('text,label\n"Hello, world",HAM\nBuy now,spam\n');
    assert.deepEqual(
      rows.map(({ text, label, line }) => [text, label, line]),
      [
        ['Hello, world', 'ham', 2],
        ['Buy now', 'spam', 3],
      ],
    );
    assert.equal(readCorpus('Hello,ham\n').length, 1);
  });

  it('says which line is wrong and why', () => {
    assert.throws(() => readCorpus('text,label\nfine,ham\nno label\n'), /line 3: expected 2 fields/);
    assert.throws(() => readCorpus('text,label\nfine,eggs\n'), /line 2: the label must be spam or ham, not "eggs"/);
    assert.throws(() => readCorpus('text,label\n  ,ham\n'), /line 2: the text is empty/);
  });
});

describe('cross-validation on the shipped corpus', () => {
  const corpus = readCorpus(readFileSync(CORPUS, 'utf8'));
  const result = crossValidate(corpus, { folds: 5, seed: 1 });
  const at = (verdict: string) => result.thresholds.find((t) => t.verdict === verdict)!;

  it('the corpus is a real mix: 120–200 comments, both labels well represented', () => {
    assert.ok(corpus.length >= 120 && corpus.length <= 200, `${corpus.length} comments`);
    assert.equal(result.spam + result.ham, corpus.length);
    assert.ok(result.spam >= 50 && result.ham >= 50, `${result.spam} spam, ${result.ham} ham`);
    assert.equal(result.unscored, 0, 'every fold has enough to train on');
  });

  it('catches most spam and almost never flags a reader (far above the chance precision)', () => {
    const chance = result.spam / (result.spam + result.ham);
    for (const verdict of ['spam', 'held or spam']) {
      const t = at(verdict);
      assert.ok(t.precision! >= 0.9, `${verdict}: precision ${t.precision} (chance ${chance.toFixed(2)})`);
      assert.ok(t.recall! >= 0.8, `${verdict}: recall ${t.recall}`);
      assert.equal(t.truePositives + t.falseNegatives, result.spam);
      assert.equal(t.falsePositives + t.trueNegatives, result.ham);
    }
    assert.ok(at('held or spam').recall! >= at('spam').recall!, 'the lower threshold catches at least as much');
  });

  it('is repeatable for a seed', () => {
    assert.deepEqual(crossValidate(corpus, { folds: 5, seed: 1 }), result);
  });

  it('refuses too few examples for the folds', () => {
    assert.throws(() => crossValidate(corpus.slice(0, 6), { folds: 5 }), /at least 5 examples of each label/);
    assert.throws(() => crossValidate(corpus, { folds: 1 }), /2 or more/);
  });

  it('the report shows "–" for a precision that is undefined (nothing flagged)', () => {
    const empty: EvalResult = {
      folds: 2,
      spam: 2,
      ham: 2,
      unscored: 4,
      thresholds: [
        {
          verdict: 'spam',
          threshold: 0.95,
          truePositives: 0,
          falsePositives: 0,
          falseNegatives: 2,
          trueNegatives: 2,
          precision: null,
          recall: 0,
          f1: null,
        },
      ],
    };
    const report = formatEvalReport(empty);
    assert.match(report, /spam\s+≥ 0\.95\s+–\s+0\.00\s+–/);
    assert.match(report, /4 comments could not be scored/);
  });
});

describe('broadsheet spam eval FILE', () => {
  const run = (...args: string[]) => runBroadsheet(['spam', ...args]);

  it('prints precision, recall and F1 for both verdicts, and exits 0', async () => {
    const result = await run('eval', CORPUS);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /5-fold cross-validation on \d+ comments \(\d+ spam, \d+ ham\)/);
    assert.match(result.stdout, /precision\s+recall\s+F1/);
    assert.match(result.stdout, /^spam\s+≥ 0\.95\s+(0|1)\.\d\d\s+(0|1)\.\d\d\s+(0|1)\.\d\d/m);
    assert.match(result.stdout, /^held or spam\s+≥ 0\.60\s+(0|1)\.\d\d/m);
  });

  it('a broken file fails with its line number; a missing FILE is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-spam-eval-'));
    try {
      const file = join(dir, 'bad.csv');
      writeFileSync(file, 'text,label\nfine,ham\nwhat,maybe\n');
      const bad = await run('eval', file);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /bad\.csv: line 3: the label must be spam or ham/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal((await run('eval')).code, 2);
    assert.equal((await run('frobnicate')).code, 2);
    const help = await run('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /broadsheet spam eval FILE/);
  });
});
