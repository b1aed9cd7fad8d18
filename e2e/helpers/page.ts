// Small expect-like helpers over playwright-core (which has no `expect`): poll a condition
// until it holds or a deadline passes, and name the parts of the article page a reader uses.
import assert from 'node:assert/strict';
import type { Frame, Locator, Page } from 'playwright-core';

declare global {
  interface Window {
    /** Set by the tests; a full page load loses it. */
    __marker?: number;
  }
}

/** Retries `check` (an assertion) until it passes; rethrows its last failure after `timeout` ms. */
export async function eventually<T>(check: () => Promise<T> | T, { timeout = 5_000, interval = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The element's visible text, whitespace collapsed; waits at most `timeout` ms for it to exist. */
export async function textOf(locator: Locator, timeout = 1_000): Promise<string> {
  return (await locator.innerText({ timeout })).replace(/\s+/g, ' ').trim();
}

/** Waits until the element's text equals `expected` (or matches it, for a RegExp). */
export async function expectText(
  locator: Locator,
  expected: string | RegExp,
  options: { timeout?: number } = {},
): Promise<void> {
  await eventually(async () => {
    const actual = await textOf(locator);
    if (typeof expected === 'string') assert.equal(actual, expected);
    else assert.match(actual, expected);
  }, options);
}

/** Waits until the form control's value equals `expected`. */
export async function expectValue(
  locator: Locator,
  expected: string,
  options: { timeout?: number } = {},
): Promise<void> {
  await eventually(async () => assert.equal(await locator.inputValue({ timeout: 1_000 }), expected), options);
}

/**
 * Marks the loaded document and counts main-frame navigations from now on, so a test can
 * prove that something happened in place: a reload or a navigation loses the marker.
 */
export async function watchForNavigation(
  page: Page,
): Promise<{ assertStillSamePage(message?: string): Promise<void> }> {
  let navigations = 0;
  const onNavigated = (frame: Frame) => {
    if (frame === page.mainFrame()) navigations++;
  };
  page.on('framenavigated', onNavigated);
  await page.evaluate(() => {
    window.__marker = 1;
  });
  return {
    async assertStillSamePage(message = 'the page navigated or reloaded') {
      assert.equal(navigations, 0, `${message}: ${navigations} main-frame navigation(s), now at ${page.url()}`);
      assert.equal(await page.evaluate(() => window.__marker), 1, `${message}: the marker set on the page is gone`);
    },
  };
}

/** The parts of the article page a reader looks at and uses. */
export function articlePage(page: Page) {
  const form = page.locator('form[data-comment-form]');
  return {
    score: page.locator('#rating [data-score]'),
    count: page.locator('#rating [data-count]'),
    yourRating: page.locator('#rating [data-your-rating]'),
    /** The star a reader clicks, found by its label ("4 stars"). */
    star: (stars: number) => page.locator('#rating .stars label').filter({ hasText: new RegExp(`^${stars} stars?$`) }),
    rateButton: page.getByRole('button', { name: 'Rate', exact: true }),
    commentsHeading: page.locator('#comments-heading'),
    comments: page.locator('[data-comment-list] [data-comment-id]'),
    /** The thread entry whose own body (not a reply's) contains `text`. */
    comment: (text: string) =>
      page
        .locator('[data-comment-list] li.comment')
        .filter({ has: page.locator(':scope > article .comment-body', { hasText: text }) }),
    respond: page.locator('#respond'),
    respondHeading: page.locator('#respond-heading'),
    form,
    formStatus: form.locator('[data-form-status]'),
    // By accessible name, as a screen reader announces them (the "*" is aria-hidden).
    body: form.getByRole('textbox', { name: 'Comment', exact: true }),
    name: form.getByRole('textbox', { name: 'Name', exact: true }),
    email: form.getByRole('textbox', { name: 'Email', exact: true }),
    website: form.getByRole('textbox', { name: 'Website', exact: true }),
    postButton: form.getByRole('button', { name: 'Post Comment' }),
    fieldErrors: form.locator('.field-error'),
  };
}

export type ArticlePage = ReturnType<typeof articlePage>;

/** The error message tied to a form control (through aria-describedby), or null when it has none. */
export async function errorOf(control: Locator): Promise<Locator | null> {
  const id = await control.getAttribute('aria-describedby');
  return id ? control.page().locator(`[id="${id}"]`) : null;
}

/**
 * Asserts what a reader (sighted or not) notices: the control is flagged invalid, its error
 * is announced with it, and the message is shown right below it, not somewhere else.
 */
export async function assertErrorBeside(control: Locator, message: string | RegExp): Promise<void> {
  await eventually(async () =>
    assert.equal(await control.getAttribute('aria-invalid', { timeout: 1_000 }), 'true', 'the field is marked invalid'),
  );
  const error = await errorOf(control);
  assert.ok(error, 'the field is described by an error message');
  await expectText(error, message);
  assert.ok(await error.isVisible(), 'the error is visible');
  // Measured together in the page: the page may still be scrolling to the form's fragment.
  // (No named functions inside: the test transpiler would wrap them in a helper the page lacks.)
  const [box, errorBox] = await control.evaluate(
    (field, errorId) => {
      const a = field.getBoundingClientRect();
      const b = document.getElementById(errorId)?.getBoundingClientRect();
      return [{ x: a.x, y: a.y, height: a.height }, b ? { x: b.x, y: b.y, height: b.height } : null];
    },
    (await control.getAttribute('aria-describedby'))!,
  );
  assert.ok(box && errorBox, 'both are laid out');
  const gap = errorBox.y - (box.y + box.height);
  assert.ok(gap >= -1 && gap < 40, `the error is just below the field (gap ${gap}px)`);
  assert.ok(
    errorBox.x >= box.x - 1 && errorBox.x < box.x + 20,
    `the error is aligned with the field (x ${errorBox.x} vs ${box.x})`,
  );
}

/** Asserts that the control carries no error. */
export async function assertNoError(control: Locator): Promise<void> {
  assert.equal(await control.getAttribute('aria-invalid'), null, 'the field is not marked invalid');
  assert.equal(await errorOf(control), null, 'the field has no error message');
}
