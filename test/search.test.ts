// Site search at /search as a reader uses it: ranked results with highlighted, escaped snippets,
// only published articles, kept in step with edits and deletions, any script and any input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';
import { createArticle } from './helpers/factories.ts';
import { htmlToText } from '../src/lib/html-text.ts';
import { unfoldHeadline } from '../src/features/search/folded-text.ts';
import { parseSearchQuery, snippetToHtml } from '../src/features/search/search-query.ts';

/** The results' titles, in order. */
function resultTitles(html: string): string[] {
  return [...html.matchAll(/<li class="article-card search-result">\s*<h2><a href="[^"]*">([\s\S]*?)<\/a>/g)].map((m) =>
    textOf(m[1]!),
  );
}

function snippets(html: string): string[] {
  return [...html.matchAll(/<p class="search-snippet">([\s\S]*?)<\/p>/g)].map((m) => m[1]!);
}

describe('search', () => {
  let app: TestApp;
  let client: Client;
  const search = async (q: string, page?: number) =>
    client.page(`/search?q=${encodeURIComponent(q)}${page ? `&page=${page}` : ''}`);

  before(async () => {
    app = await startTestApp();
    client = new Client(app.url);
  });
  after(() => app.close());

  it('shows just the form for an empty query, with a labelled input of its own', async () => {
    const { status, html } = await client.page('/search');
    assert.equal(status, 200);
    assert.match(html, /<label for="search-page-q">/);
    assert.match(html, /<input id="search-page-q" type="search" name="q" value(="")? /);
    assert.doesNotMatch(textOf(html), /results? for|No results/);
    assert.match(html, /<meta name="robots" content="noindex"\/?>/);
    assert.match(html, /<link rel="canonical" href="[^"]*\/search"\/?>/);
  });

  it('ranks a title match above a body-only match, and fills in the query', async () => {
    await createArticle(app.services, {
      title: 'Notes from the week',
      bodyMarkdown: 'A long paragraph that mentions the zeppelin only in passing.',
    });
    await createArticle(app.services, { title: 'The zeppelin returns', bodyMarkdown: 'An airship over the city.' });
    const { status, html } = await search('zeppelin');
    assert.equal(status, 200);
    assert.deepEqual(resultTitles(html), ['The zeppelin returns', 'Notes from the week']);
    assert.match(textOf(html), /2 results for “zeppelin”/);
    assert.match(html, /<input id="search-page-q" type="search" name="q" value="zeppelin"/);
  });

  it('highlights the words in the snippet and shows the article text escaped', async () => {
    await createArticle(app.services, {
      title: 'Markup in prose',
      bodyMarkdown: 'The page said `<script>alert(1)</script>` next to the word quokka & friends.',
    });
    const { html } = await search('quokka');
    assert.deepEqual(resultTitles(html), ['Markup in prose']);
    const [snippet] = snippets(html);
    assert.match(snippet!, /<mark>quokka<\/mark>/);
    assert.match(snippet!, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(snippet!, /&amp; friends/);
    assert.doesNotMatch(html, /<script>alert/);
  });

  it('never shows drafts or articles scheduled for later', async () => {
    const draft = await createArticle(app.services, { title: 'Draft about the narwhal' });
    const scheduled = await createArticle(app.services, { title: 'Scheduled narwhal story' });
    const due = await createArticle(app.services, { title: 'Narwhal story whose time has come' });
    await app.services.db.updateTable('articles').set({ status: 'draft' }).where('id', '=', draft.id).execute();
    await app.services.db
      .updateTable('articles')
      .set({ status: 'scheduled', published_at: new Date(Date.now() + 86_400_000).toISOString() })
      .where('id', '=', scheduled.id)
      .execute();
    await app.services.db
      .updateTable('articles')
      .set({ status: 'scheduled', published_at: new Date(Date.now() - 60_000).toISOString() })
      .where('id', '=', due.id)
      .execute();
    assert.deepEqual(resultTitles((await search('narwhal')).html), ['Narwhal story whose time has come']);
  });

  it('finds an edited article by its new words and not by its old ones', async () => {
    await createArticle(app.services, {
      importKey: 'edit-me',
      title: 'Harbour report',
      bodyMarkdown: 'The ferry was late because of the walrus.',
    });
    assert.deepEqual(resultTitles((await search('walrus')).html), ['Harbour report']);
    await createArticle(app.services, {
      importKey: 'edit-me',
      title: 'Harbour report',
      bodyMarkdown: 'The ferry was late because of the fog.',
    });
    assert.deepEqual(resultTitles((await search('walrus')).html), []);
    assert.deepEqual(resultTitles((await search('fog')).html), ['Harbour report']);
  });

  it('forgets a deleted article', async () => {
    const article = await createArticle(app.services, { title: 'The axolotl pond', bodyMarkdown: 'Short.' });
    assert.deepEqual(resultTitles((await search('axolotl')).html), ['The axolotl pond']);
    await app.services.db.deleteFrom('articles').where('id', '=', article.id).execute();
    const { status, html } = await search('axolotl');
    assert.equal(status, 200);
    assert.deepEqual(resultTitles(html), []);
    assert.match(textOf(html), /No results for “axolotl”/);
  });

  it('ignores diacritics and finds words in other scripts', async () => {
    await createArticle(app.services, { title: 'Le café du coin', bodyMarkdown: 'Un crème brûlée au café.' });
    await createArticle(app.services, {
      title: 'Новости города',
      bodyMarkdown: 'Сегодня в городе открылся новый мост.',
    });
    const cafe = await search('cafe');
    assert.deepEqual(resultTitles(cafe.html), ['Le café du coin']);
    // The snippet keeps the words as written.
    assert.match(snippets(cafe.html)[0]!, /brûlée au <mark>café<\/mark>/);
    assert.deepEqual(resultTitles((await search('CRÈME brulee')).html), ['Le café du coin']);
    const russian = await search('мост');
    assert.deepEqual(resultTitles(russian.html), ['Новости города']);
    assert.match(snippets(russian.html)[0]!, /<mark>мост<\/mark>/);
  });

  it('matches a quoted phrase and the start of the last word', async () => {
    await createArticle(app.services, {
      title: 'Budget debate',
      bodyMarkdown: 'The council voted on the harbour budget late at night.',
    });
    await createArticle(app.services, { title: 'Night budget', bodyMarkdown: 'A budget for the harbour, voted late.' });
    assert.deepEqual(resultTitles((await search('"harbour budget"')).html), ['Budget debate']);
    assert.deepEqual(resultTitles((await search('counc')).html), ['Budget debate']);
  });

  it('pages the results and answers 404 past the last page', async () => {
    for (let i = 1; i <= 12; i++)
      await createArticle(app.services, {
        title: `Pelican sighting ${i}`,
        publishedAt: new Date(Date.UTC(2026, 0, i)).toISOString(),
      });
    const first = await search('pelican');
    assert.match(textOf(first.html), /12 results for “pelican”/);
    assert.equal(resultTitles(first.html).length, 10);
    // Equally good matches: the newest first.
    assert.equal(resultTitles(first.html)[0], 'Pelican sighting 12');
    assert.match(first.html, /<a href="\/search\?q=pelican&amp;page=2" rel="next">/);
    const second = await search('pelican', 2);
    assert.equal(second.status, 200);
    assert.deepEqual(resultTitles(second.html), ['Pelican sighting 2', 'Pelican sighting 1']);
    assert.match(second.html, /<a href="\/search\?q=pelican" rel="prev">/);
    assert.doesNotMatch(second.html, /rel="next"/);
    assert.equal((await search('pelican', 3)).status, 404);
    assert.equal((await search('nothing-matches-this-xyzzy', 2)).status, 404);
  });

  it('answers every kind of odd input with a results page', async () => {
    const inputs = [
      '',
      '   ',
      'pelican '.repeat(1300),
      'a'.repeat(10_000),
      'pelican AND OR NOT NEAR(pelican zeppelin) * ^ : ( ) -',
      'title:pelican',
      '"unbalanced quote',
      'pelican"',
      '"""',
      "'; drop table articles; --",
      "' or 1=1 --",
      'NEAR/2 pelican',
      '* -pelican ^zeppelin',
      '!pelican & | <-> :*',
      '\\ \\\\ % _',
      'Ελληνικά λέξεις',
      'مرحبا بالعالم',
      '東京タワーの夜景',
      '😀🎉',
      'pelican 😀',
      '\u0301\u0301',
      '\uE000pelican\uE001',
    ];
    for (const q of inputs) {
      const { status, html } = await search(q);
      assert.equal(status, 200, `status for ${JSON.stringify(q.slice(0, 40))}`);
      assert.match(html, /<input id="search-page-q"/, `results page for ${JSON.stringify(q.slice(0, 40))}`);
    }
    // Malformed or repeated parameters, as a hand-typed address may have them.
    for (const path of [
      '/search?q=%ZZ%',
      '/search?q=%E0%A4%A',
      '/search?q=pelican&q=zeppelin',
      '/search?q[a]=1',
      '/search?q=pelican&page=abc',
      '/search?q=pelican&page=0',
    ]) {
      const { status, html } = await client.page(path);
      assert.equal(status, 200, path);
      assert.match(html, /<input id="search-page-q"/, path);
    }
    // Operators are taken as words like any other.
    assert.equal(resultTitles((await search('pelican NOT zeppelin')).html).length, 0);
    assert.equal(resultTitles((await search('pelican '.repeat(1300))).html).length, 10);
  });
});

describe('search query and snippet helpers', () => {
  it('keeps only words from the input: quoted phrases, a prefix on the last word, capped', () => {
    assert.deepEqual(parseSearchQuery('Harbour "city budget" vot').clauses, [
      { words: ['harbour'], prefix: false },
      { words: ['city', 'budget'], prefix: false },
      { words: ['vot'], prefix: true },
    ]);
    assert.deepEqual(
      parseSearchQuery('NEAR(a* OR -b) ^c: "d').clauses.map((c) => c.words),
      [['near'], ['a'], ['or'], ['b'], ['c'], ['d']],
    );
    assert.deepEqual(
      parseSearchQuery("'; drop table articles; --").clauses.map((c) => c.words[0]),
      ['drop', 'table', 'articles'],
    );
    assert.equal(parseSearchQuery('word '.repeat(2000)).clauses.length, 8);
    assert.deepEqual(parseSearchQuery('😀 \u0301 ').clauses, []);
  });

  it('escapes a snippet and pairs its markers', () => {
    assert.equal(snippetToHtml('a <b> & \uE000c\uE001 "d"'), 'a &lt;b&gt; &amp; <mark>c</mark> &quot;d&quot;');
    assert.equal(snippetToHtml('\uE001x\uE000y\uE000z'), 'x<mark>yz</mark>');
  });

  it('turns article HTML into plain text', () => {
    assert.equal(
      htmlToText(
        '<p>One <em>w</em>ord &amp; &lt;two&gt;</p><ul><li>3&#8239;&#x1F600;</li></ul><p>caf&eacute;&nbsp;x</p>',
      ),
      'One word & <two>\n3\u202f😀\ncaf&eacute; x',
    );
  });

  it('shows a folded headline in the original characters', () => {
    const original = 'Le cafe\u0301 et la crème brûlée, ﬁn.';
    assert.equal(
      unfoldHeadline('Le \uE000cafe\uE001 et … \uE000creme\uE001 brulee, fin', original, ' … '),
      'Le \uE000cafe\u0301\uE001 et … \uE000crème\uE001 brûlée, ﬁn',
    );
    assert.equal(unfoldHeadline('not there', original, ' … '), undefined);
  });
});
