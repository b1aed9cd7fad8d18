// The naive Bayes classifier: its features, its silence until trained, and that the model kept
// in the database (trained and untrained incrementally) scores exactly as the one in memory.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Db } from '../src/db/database.ts';
import { renderCommentMarkdown } from '../src/lib/markdown.ts';
import {
  createMemoryModel,
  extractFeatures,
  MIN_DOCUMENTS_PER_LABEL,
  spamProbability,
  type SpamLabel,
} from '../src/features/spam/classifier.ts';
import { readCorpus } from '../src/features/spam/spam-eval.ts';
import { loadSpamTotals, loadTokenCounts, trainTokens, untrainTokens } from '../src/features/spam/spam.repository.ts';
import { openTestDb } from './helpers/test-app.ts';

const features = (body: string, authorUrl: string | null = null) =>
  extractFeatures({ body, bodyHtml: renderCommentMarkdown(body), authorUrl });
const corpus = readCorpus(readFileSync(new URL('./fixtures/spam/corpus.csv', import.meta.url), 'utf8'));

describe('extractFeatures', () => {
  it('lower-cased words, each once, apostrophes dropped, single letters ignored', () => {
    const f = features("Don't DON'T panic, a bridge is a bridge");
    assert.ok(f.includes('dont'));
    assert.ok(f.includes('panic'));
    assert.equal(f.filter((x) => x === 'bridge').length, 1);
    assert.ok(!f.includes('a'));
  });

  it('the hosts and top-level domains the body links to, and how many links', () => {
    assert.ok(features('No links.').includes('links:0'));
    const f = features('Visit https://www.cheap-pills.shop/buy and [this](https://other.example.net/x)');
    assert.ok(f.includes('host:cheap-pills.shop'), 'www. is dropped');
    assert.ok(f.includes('host-tld:shop'));
    assert.ok(f.includes('host:other.example.net'));
    assert.ok(f.includes('links:2'));
    assert.ok(features('https://a.example https://b.example https://c.example https://d.example').includes('links:3+'));
  });

  it("the author's website, or that there is none", () => {
    assert.ok(features('Hello there', 'https://www.seo-agency.biz/about').includes('author-host:seo-agency.biz'));
    assert.ok(features('Hello there').includes('author-host:none'));
  });

  it('a few features of shape: shouting, exclamations, money, length', () => {
    const f = features('CLICK HERE TO CLAIM YOUR FREE PRIZE NOW!!! Only $5');
    for (const feature of ['shape:shouting', 'shape:exclamations', 'shape:money', 'length:short'])
      assert.ok(f.includes(feature), feature);
    const calm = features('A calm remark about the council budget, which went up by 2 per cent this year. '.repeat(3));
    for (const feature of ['shape:shouting', 'shape:exclamations', 'shape:money'])
      assert.ok(!calm.includes(feature), feature);
    assert.ok(calm.includes('length:medium'));
  });
});

describe('the model', () => {
  const spamText = 'Buy cheap pills online, best casino bonus, visit https://cheap-pills.shop now';
  const hamText = 'The council meeting on the harbour wall was long but the residents made good points';

  it(`has no opinion until it has seen ${MIN_DOCUMENTS_PER_LABEL} examples of each label`, () => {
    const model = createMemoryModel();
    for (let i = 0; i < MIN_DOCUMENTS_PER_LABEL; i++) model.train(features(`${spamText} ${i}`), 'spam');
    for (let i = 0; i < MIN_DOCUMENTS_PER_LABEL - 1; i++) model.train(features(`${hamText} ${i}`), 'ham');
    assert.equal(model.score(features(spamText)), null);
    model.train(features(hamText), 'ham');
    assert.equal(typeof model.score(features(spamText)), 'number');
  });

  it('scores in 0..1: high for text like the spam it learnt, low for text like the ham', () => {
    const model = createMemoryModel();
    for (const example of corpus) model.train(features(example.text), example.label);
    const spamScore = model.score(
      features('Cheap viagra and casino bonus, earn $500 a day from home https://cheap-pills.shop'),
    )!;
    const hamScore = model.score(
      features('I was at the council meeting and the residents asked good questions about the harbour.'),
    )!;
    assert.ok(spamScore > 0.95, `spam scored ${spamScore}`);
    assert.ok(hamScore < 0.05, `ham scored ${hamScore}`);
  });

  it('ignores features it has never seen: text of unknown words is neutral', () => {
    const model = createMemoryModel();
    for (const example of corpus) model.train(features(example.text), example.label);
    const unknown = ['zqxjv', 'wvqpz', 'jjxqk'];
    assert.equal(model.score(unknown), 0.5);
  });
});

describe('the model in the database', () => {
  const sample = [
    ...corpus.filter((e) => e.label === 'spam').slice(0, 15),
    ...corpus.filter((e) => e.label === 'ham').slice(0, 15),
  ];
  const probes = [
    'Earn money fast from home, click https://easy-home-income.xyz',
    'The bus timetable change was never consulted on.',
  ];

  async function dbScore(db: Db, f: string[]) {
    return spamProbability(await loadSpamTotals(db), await loadTokenCounts(db, f), f);
  }

  it('trains to the same counts and scores as the model in memory', async () => {
    const { db, close } = await openTestDb();
    try {
      const memory = createMemoryModel();
      for (const example of sample) {
        const f = features(example.text);
        memory.train(f, example.label);
        await trainTokens(db, f, example.label);
      }
      const totals = await loadSpamTotals(db);
      assert.equal(totals.spamDocuments, 15);
      assert.equal(totals.hamDocuments, 15);
      const distinct = new Set(sample.flatMap((e) => features(e.text)));
      assert.equal(totals.vocabulary, distinct.size);
      assert.equal(
        totals.spamTokenTotal + totals.hamTokenTotal,
        sample.reduce((n, e) => n + features(e.text).length, 0),
      );
      for (const probe of probes)
        assert.equal(await dbScore(db, features(probe)), memory.score(features(probe)), probe);
    } finally {
      await close();
    }
  });

  it('untraining a document takes back exactly what training it added', async () => {
    const { db, close } = await openTestDb();
    try {
      for (const example of sample) await trainTokens(db, features(example.text), example.label);
      const before = await loadSpamTotals(db);
      const rowsBefore = await db.selectFrom('spam_tokens').selectAll().orderBy('token').execute();
      const scoresBefore = await Promise.all(probes.map((p) => dbScore(db, features(p))));

      const extra = features('A completely novel xylophone remark, with https://brand-new-host.example');
      const label: SpamLabel = 'spam';
      await trainTokens(db, extra, label);
      assert.equal((await loadSpamTotals(db)).spamDocuments, before.spamDocuments + 1);
      await untrainTokens(db, extra, label);

      assert.deepEqual(await loadSpamTotals(db), before);
      assert.deepEqual(
        await db.selectFrom('spam_tokens').selectAll().orderBy('token').execute(),
        rowsBefore,
        'new tokens are deleted again',
      );
      assert.deepEqual(await Promise.all(probes.map((p) => dbScore(db, features(p)))), scoresBefore);
    } finally {
      await close();
    }
  });
});
