// A comment's HTML comes from markdown-it through the allow-list; most comments skip sanitize-html
// (lib/markdown.ts asSanitized). Whatever the reader writes, the HTML must be exactly what
// sanitize-html gives: checked here over a few thousand comments built from awkward pieces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderCommentMarkdown, renderCommentMarkdownSanitized } from '../src/lib/markdown.ts';

const PIECES = [
  'Plain words',
  'He said "hi" & left',
  "it's 'quoted'",
  '<b>bold?</b> <script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '&quot; &amp; &lt; &#60; &copy;',
  '*emphasis* and **strong** and _under_',
  '`code "with" <tags> & stuff`',
  '[a link](https://example.org/path?a=1&b="2")',
  '[title](https://example.org "A title")',
  '[mail](mailto:someone@example.org)',
  '[relative](/articles/x) [protocol relative](//evil.example)',
  '[ftp](ftp://example.org/f) [js](javascript:alert(1)) [data](data:text/html,hi)',
  '[upper](HTTPS://EXAMPLE.ORG/) [spaced](<https://example.org/a b>)',
  'www.example.com and https://example.org/x?y=1&z=2 and someone@example.org',
  '> a quote\n> on two lines',
  '- one\n- two\n- three',
  '3. three\n4. four',
  '1. one\n2. two',
  '```\nfenced <code> & "quotes"\n```',
  '```js\nconst x = 1 < 2;\n```',
  '    indented code & <tag>',
  'line one\nline two',
  'trailing backslash\\\nnext',
  '\\*escaped\\* \\[not a link\\](https://example.org)',
  'Ünïcödé — “curly” ‘quotes’ 😀',
  '# not a heading here',
  '---',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '![image](https://example.org/i.png)',
];
const SEPARATORS = [' ', '\n', '\n\n', ''];

/** A small deterministic generator, so that a failure names a comment that can be rebuilt. */
function* comments(count: number): Generator<string> {
  let seed = 0x9e3779b9;
  const next = (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return (seed >>> 0) % n;
  };
  for (const piece of PIECES) yield piece;
  for (let i = 0; i < count; i++) {
    let text = PIECES[next(PIECES.length)]!;
    for (let k = next(4); k > 0; k--) text += SEPARATORS[next(SEPARATORS.length)]! + PIECES[next(PIECES.length)]!;
    yield text;
  }
}

describe('comment Markdown', () => {
  it('gives exactly the HTML sanitize-html gives, for every comment', () => {
    for (const text of comments(4000))
      assert.equal(renderCommentMarkdown(text), renderCommentMarkdownSanitized(text), `for ${JSON.stringify(text)}`);
  });

  it('keeps the formatting readers use and nofollows their links', () => {
    assert.equal(
      renderCommentMarkdown('He said "hi" & *left*\nsee [this](https://example.org/a?b=1&c=2)'),
      '<p>He said "hi" &amp; <em>left</em><br />\nsee ' +
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">this</a></p>',
    );
  });

  it('never lets markup, scripts or other schemes through', () => {
    const html = renderCommentMarkdown(
      '<script>alert(1)</script> [x](javascript:alert(1)) [y](data:text/html,z) [z](//evil.example) <a href="https://e.org">',
    );
    assert.doesNotMatch(html, /<script|href="(?:javascript|data):|href="\/\/|<a href="https:\/\/e\.org">/);
  });
});
