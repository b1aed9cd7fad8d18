import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MarkdownIt, { type Options as MarkdownItOptions } from 'markdown-it';
import {
  looksLikeScrapedArticle,
  parseScrapedArticle,
  ScrapedArticleError,
  type ScrapedArticle,
} from '../src/features/importer/scraped-article-parser.ts';
import { SAMPLE_FILE, SAMPLE_TITLE, SEED_FILE, seedSkip } from './helpers/broadsheet.ts';

const FOOTER_WORDS = /\b(?:User Score|Rate This|Leave your comment|Required fields)\b|\d+ ratings?\b/i;

function fixture(name: string): string {
  return readFileSync(new URL(`fixtures/scraped/${name}`, import.meta.url), 'utf8');
}

function parseFixture(name: string): ScrapedArticle {
  return parseScrapedArticle(fixture(name));
}

function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Text content of each paragraph, failing if the Markdown produced any other block. */
function renderedParagraphs(markdown: string, options: MarkdownItOptions = {}): string[] {
  const html = new MarkdownIt({ html: false, ...options }).render(markdown);
  const blocks = [...html.matchAll(/<p>(.*?)<\/p>\n/g)];
  assert.equal(blocks.map((block) => block[0]).join(''), html, 'only paragraphs are rendered');
  return blocks.map((block) => decodeEntities(block[1]!.replace(/<[^>]*>/g, '')));
}

describe('parseScrapedArticle: the sample article', () => {
  const text = readFileSync(SAMPLE_FILE, 'utf8');
  const article = parseScrapedArticle(text);

  it('reads the headline, 9 paragraphs and the rating', () => {
    assert.equal(article.title, SAMPLE_TITLE);
    assert.equal(article.paragraphs.length, 9);
    assert.deepEqual(article.rating, { score: 85, count: 3 });
  });

  it('keeps the first and last paragraph as written', () => {
    assert.equal(
      article.paragraphs[0],
      'The night ferry between Harbour Town and the island of Kellow will keep running after the town ' +
        'council voted on Tuesday evening to make the service permanent, a year after it began as a trial that ' +
        'many councillors expected to fail.',
    );
    assert.equal(
      article.paragraphs.at(-1),
      'The council will review the service again in eighteen months. Until then, the timetable stays as it ' +
        'is — and, Holt added, so does the free crossing for anyone carrying a bicycle.',
    );
  });

  it('normalises the trailing NBSPs away', () => {
    assert.match(text, /councillors from the island ward[^\n]*small hours\.\u00A0\n/, 'the file has them');
    assert.equal(article.paragraphs[3]?.endsWith('in the small hours.'), true);
    assert.ok(article.paragraphs.every((p) => !/\u00A0|\s$/.test(p)));
  });

  it('leaves the footer out of the body', () => {
    assert.ok(article.paragraphs.every((p) => !FOOTER_WORDS.test(p) && p !== 'Reviews' && p !== '85 %'));
    assert.doesNotMatch(article.bodyMarkdown, FOOTER_WORDS);
  });

  it('renders its Markdown back to the paragraphs', () => {
    assert.deepEqual(renderedParagraphs(article.bodyMarkdown), article.paragraphs);
  });

  it('is detected as a scraped article', () => {
    assert.equal(looksLikeScrapedArticle(text), true);
  });
});

describe('parseScrapedArticle: the scraped seed (when ../shared/seed is there)', { skip: seedSkip }, () => {
  const read = () => readFileSync(SEED_FILE, 'utf8');

  it('reads the headline, 13 paragraphs and the rating, and keeps the first and last paragraph as written', () => {
    const article = parseScrapedArticle(read());
    assert.equal(article.title, 'Biden Tells Netanyahu To Refrain From Offensive Attacks After Iran Strikes: Report');
    assert.equal(article.paragraphs.length, 13);
    assert.deepEqual(article.rating, { score: 85, count: 3 });
    assert.equal(
      article.paragraphs[0],
      'Iran launched an unprecedented wave of more than 300 drones and missiles toward Israel on Saturday ' +
        'evening in retaliation for a deadly airstrike conducted by Israel in Syria two weeks ago.',
    );
    assert.equal(
      article.paragraphs.at(-1),
      'In his statement, Biden said he planned on convening a Sunday meeting with fellow members of the ' +
        'Group of Seven, a coalition of major industrialized democracies, to “coordinate a united diplomatic ' +
        'response” to Iran’s attack. My team will engage with their counterparts across the region,” Biden ' +
        'added. “And we will stay in close touch with Israel’s leaders.”',
    );
    assert.equal(article.paragraphs[2]?.endsWith('security of Israel.”'), true);
  });

  it('normalises the NBSPs, leaves the footer out and renders back to its paragraphs', () => {
    const article = parseScrapedArticle(read());
    assert.ok(article.paragraphs.every((p) => !/\u00A0|\s$/.test(p)));
    assert.ok(article.paragraphs.every((p) => !FOOTER_WORDS.test(p) && p !== 'Reviews' && p !== '85 %'));
    assert.doesNotMatch(article.bodyMarkdown, FOOTER_WORDS);
    assert.deepEqual(renderedParagraphs(article.bodyMarkdown), article.paragraphs);
    assert.equal(looksLikeScrapedArticle(read()), true);
  });
});

describe('parseScrapedArticle: fixtures', () => {
  it('handles CRLF line endings, "64%" and thousands in the count', () => {
    const article = parseFixture('crlf.txt');
    assert.equal(article.title, 'Harbour Ferry Timetable Changes From Monday');
    assert.deepEqual(article.paragraphs, [
      'The ferry operator will add two early sailings on weekdays.',
      'Commuters asked for the change at last month’s public meeting.',
    ]);
    assert.deepEqual(article.rating, { score: 64, count: 1234 });
  });

  it('handles a file without a final newline', () => {
    const article = parseFixture('no-final-newline.txt');
    assert.deepEqual(article.paragraphs, ['The central library will stay open until 9pm on Thursdays.']);
    assert.deepEqual(article.rating, { score: 90, count: 12 });
  });

  it('normalises a BOM, NBSP and other Unicode spaces, including between the score and "%"', () => {
    const article = parseFixture('nbsp-percent.txt');
    assert.equal(article.title, 'Council Approves New Budget');
    assert.deepEqual(article.paragraphs, [
      'The council voted 7–4 in favour.',
      'Spending on roads rises by 4 % next year.',
    ]);
    assert.deepEqual(article.rating, { score: 72, count: 8 });
  });

  it('reads "1 rating" from a footer in capitals', () => {
    const article = parseFixture('one-rating.txt');
    assert.deepEqual(article.paragraphs, ['The restored lighthouse opened its doors on Saturday.']);
    assert.deepEqual(article.rating, { score: 100, count: 1 });
  });

  it('keeps every paragraph when there is no footer, even one mentioning Reviews', () => {
    const article = parseFixture('no-footer.txt');
    assert.deepEqual(article.paragraphs, [
      'The shop on Quay Street was praised in the judges’ Reviews section of the awards booklet.',
      'Its owner said the prize belonged to the whole street.',
    ]);
    assert.equal(article.rating, null);
  });

  it('drops a footer without numbers and has no rating', () => {
    const article = parseFixture('partial-footer.txt');
    assert.deepEqual(article.paragraphs, ['Residents near the harbour wall should expect flooding on Saturday.']);
    assert.equal(article.rating, null);
  });

  it('drops a footer of comment-form lines only', () => {
    const article = parseFixture('comment-footer-only.txt');
    assert.deepEqual(article.paragraphs, ['The choir of forty pupils travels north next week.']);
    assert.equal(article.rating, null);
  });

  it('escapes Markdown so each paragraph renders as its own text', () => {
    const article = parseFixture('markdown-special.txt');
    assert.equal(article.title, 'Council Publishes *Draft* Plan For [Harbour] Walk');
    assert.equal(article.paragraphs.length, 10);
    assert.equal(article.paragraphs[0], '1. The first stage is a line starting with a number.');
    assert.deepEqual(renderedParagraphs(article.bodyMarkdown), article.paragraphs);
  });

  it('keeps URLs intact when rendered with linkify, as articles are', () => {
    const article = parseFixture('markdown-special.txt');
    assert.deepEqual(renderedParagraphs(article.bodyMarkdown, { linkify: true }), article.paragraphs);
    const html = new MarkdownIt({ linkify: true }).render(article.bodyMarkdown);
    assert.match(html, /<a href="https:\/\/example\.com\/plans_2024\/\*draft\*">/);
  });

  it('rejects an empty file', () => {
    assert.throws(() => parseFixture('empty.txt'), ScrapedArticleError);
    assert.throws(() => parseScrapedArticle('\uFEFF \r\n\u00A0\n'), ScrapedArticleError);
  });

  it('rejects a headline without a body', () => {
    assert.throws(() => parseFixture('title-only.txt'), ScrapedArticleError);
    assert.throws(
      () => parseScrapedArticle('Headline\n\nReviews\n\n85 %\n\nUser Score\n\n3 ratings'),
      ScrapedArticleError,
    );
  });

  it('rejects a file that is only a footer', () => {
    assert.throws(() => parseScrapedArticle('Reviews\n\n85 %\n\nUser Score\n\n3 ratings\n'), ScrapedArticleError);
  });
});

describe('parseScrapedArticle: footer edge cases', () => {
  const withFooter = (...footer: string[]): ScrapedArticle =>
    parseScrapedArticle(['Headline', '', 'Body text.', '', ...footer].join('\n'));

  it('accepts lone CR line endings', () => {
    const article = parseScrapedArticle('Headline\r\rFirst line\rsecond line.\r\rReviews\r\r85 %\r\r3 ratings\r');
    assert.deepEqual(article.paragraphs, ['First line second line.']);
    assert.deepEqual(article.rating, { score: 85, count: 3 });
  });

  it('accepts an HTML-escaped NBSP before "%"', () => {
    assert.deepEqual(withFooter('Reviews', '85&nbsp;%', 'User Score', '3 ratings').rating, { score: 85, count: 3 });
  });

  it('has no rating for an out-of-range or malformed score or count', () => {
    for (const [score, count] of [
      ['101 %', '3 ratings'],
      ['-5 %', '3 ratings'],
      ['85.5 %', '3 ratings'],
      ['85 %', '0 ratings'],
      ['85 %', '1,23 ratings'],
      ['85 %', '2.5 ratings'],
    ]) {
      const article = withFooter('Reviews', score!, 'User Score', count!);
      assert.equal(article.rating, null, `${score} / ${count}`);
      assert.deepEqual(article.paragraphs, ['Body text.']);
    }
  });

  it('keeps a "Reviews" block in the body when unknown text follows it', () => {
    const article = withFooter('Reviews', '', 'Readers loved the new menu.');
    assert.deepEqual(article.paragraphs, ['Body text.', 'Reviews', 'Readers loved the new menu.']);
    assert.equal(article.rating, null);
  });

  it('keeps a footer-like line that has no footer heading', () => {
    assert.deepEqual(withFooter('User Score').paragraphs, ['Body text.', 'User Score']);
  });
});

describe('looksLikeScrapedArticle', () => {
  it('accepts the plain-text fixtures', () => {
    for (const name of [
      'crlf.txt',
      'no-final-newline.txt',
      'nbsp-percent.txt',
      'no-footer.txt',
      'markdown-special.txt',
    ]) {
      assert.equal(looksLikeScrapedArticle(fixture(name)), true, name);
    }
  });

  it('rejects markup, data, Markdown and text without a body', () => {
    for (const text of [
      '',
      'Just A Headline\n\n',
      'A headline\nwith no blank line after it',
      '<?xml version="1.0"?>\n<rss>\n\n</rss>',
      '<!doctype html>\n\n<html></html>',
      '{"title": "x"}\n\nbody',
      '[{"title": "x"}]\n\nbody',
      '---\ntitle: x\n---\n\nbody',
      '# A Markdown headline\n\nbody',
      `${'x'.repeat(400)}\n\nbody`,
    ]) {
      assert.equal(looksLikeScrapedArticle(text), false, JSON.stringify(text.slice(0, 30)));
    }
  });
});
