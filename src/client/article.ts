// Enhances the article page's forms. Without this script everything still works as plain
// HTML forms; with it, rating and commenting happen without a reload, reply forms open in
// place, and new comments and score changes arrive live. The server stays the one renderer:
// forms are posted as usual and the affected sections are swapped from the returned page.

const $ = <T extends Element>(selector: string, root: ParentNode = document) => root.querySelector<T>(selector);

const article = $<HTMLElement>('[data-article-id]');
const articleId = article?.dataset.articleId;

function announce(form: HTMLFormElement, message: string, ok = true): void {
  const status = $<HTMLElement>('[data-form-status]', form) ?? $<HTMLElement>('[data-your-rating]', form);
  if (!status) return;
  status.textContent = message;
  status.classList.toggle('ok', ok);
}

async function fetchPage(url: string, init?: RequestInit): Promise<Document> {
  return (await fetchAnswer(url, init)).doc;
}

/** The page a request answers with, and whether it succeeded (a refused form comes back 4xx). */
async function fetchAnswer(url: string, init?: RequestInit): Promise<{ doc: Document; ok: boolean }> {
  // `no-cache`: the shared page may be reused stale for a while (stale-while-revalidate), and a
  // live update needs the page as it is now; the ETag keeps an unchanged one a 304.
  const response = await fetch(url, {
    credentials: 'same-origin',
    cache: 'no-cache',
    headers: { accept: 'text/html' },
    ...init,
  });
  if (!response.headers.get('content-type')?.includes('text/html'))
    throw new Error(`Unexpected response (${response.status})`);
  return { doc: new DOMParser().parseFromString(await response.text(), 'text/html'), ok: response.ok };
}

/** Replaces the element matching `selector` with its counterpart from `doc`. */
function swap(doc: Document, selector: string): Element | null {
  const fresh = $(selector, doc);
  const current = $(selector);
  if (fresh && current) current.replaceWith(document.importNode(fresh, true));
  return fresh ? $(selector) : null;
}

function commentIds(root: ParentNode): Set<string> {
  return new Set([...root.querySelectorAll<HTMLElement>('[data-comment-id]')].map((el) => el.id));
}

/** What an error page says (a refusal that did not come back as the form: too many requests, say). */
const refusal = (doc: Document) =>
  $('.error-page p', doc)?.textContent?.trim() || 'That did not go through. Try again in a moment.';

async function submit(form: HTMLFormElement): Promise<void> {
  const button = $<HTMLButtonElement>('button[type=submit]', form);
  if (button) button.disabled = true;
  const isComment = form.hasAttribute('data-comment-form');
  const before = commentIds(document);
  try {
    const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
    const { doc, ok } = await fetchAnswer(form.action, { method: 'POST', body });
    if (!isComment) {
      // Only the summary is replaced: the form, and the star that has focus, stay as they are.
      swap(doc, '[data-rating-summary]');
      const error = $('[data-rate-form] .field-error', doc)?.textContent;
      announce(form, ok ? ($('[data-your-rating]', doc)?.textContent ?? '') : (error ?? refusal(doc)), ok);
      return;
    }
    const fresh = $('[data-comment-form]', doc);
    if (!ok) {
      if (!fresh) return announce(form, refusal(doc), false);
      // Show the server's verdict beside the fields, keeping the reader's text.
      fresh.querySelectorAll<HTMLElement>('.field-error').forEach((el) => {
        el.setAttribute('role', 'alert');
      });
      const container = form.closest('.respond')!;
      const keep = $<HTMLInputElement>('#comment-remember', form)?.checked ?? false;
      form.replaceWith(document.importNode(fresh, true));
      initRemember(keep);
      ($<HTMLElement>('[aria-invalid="true"]', container) ?? $<HTMLElement>('[data-form-status]', container))?.focus();
      return;
    }
    remember(form);
    // The reply form may sit inside the list being replaced: put it back home first.
    resetCommentForm(form);
    // A personal form token is good for one comment: the next comment fetches its own.
    tokenFetched = false;
    swap(doc, '[data-comment-list]');
    swap(doc, '[data-comment-count]');
    // The server's words for what became of it (published, or awaiting moderation): the page
    // the post led to says so at the form.
    announce(form, $('[data-form-status]', doc)?.textContent?.trim() || 'Thank you.');
    const added = [...commentIds(document)].find((id) => !before.has(id));
    const target = added ? document.getElementById(added) : null;
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    }
  } catch {
    announce(form, 'That did not go through. Check your connection and try again.', false);
  } finally {
    if (button) button.disabled = false;
  }
}

// --- "Remember me on this browser": name and e-mail kept in localStorage, only when asked ---
const REMEMBER_KEY = 'broadsheet.commenter';
const FIELDS = ['authorName', 'authorEmail'] as const;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the box stays hidden
  }
}

function initRemember(ticked = false): void {
  const box = $<HTMLElement>('[data-remember]');
  const check = $<HTMLInputElement>('#comment-remember');
  const store = storage();
  if (!box || !check || !store) return;
  box.hidden = false;
  const saved = store.getItem(REMEMBER_KEY);
  check.checked = ticked || saved !== null;
  if (!saved) return;
  try {
    const values = JSON.parse(saved) as Record<string, string>;
    for (const name of FIELDS) {
      const input = $<HTMLInputElement>(`[data-comment-form] [name=${name}]`);
      if (input && !input.value && typeof values[name] === 'string') input.value = values[name];
    }
  } catch {
    store.removeItem(REMEMBER_KEY);
  }
}

/** After a comment is accepted: keeps the name and e-mail if the box is ticked. */
function remember(form: HTMLFormElement): void {
  const store = storage();
  if (!store || !$<HTMLInputElement>('#comment-remember', form)?.checked) return;
  const values = Object.fromEntries(
    FIELDS.map((name) => [name, $<HTMLInputElement>(`[name=${name}]`, form)?.value ?? '']),
  );
  store.setItem(REMEMBER_KEY, JSON.stringify(values));
}

// Unticking forgets at once.
document.addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  if (input.id === 'comment-remember' && !input.checked) storage()?.removeItem(REMEMBER_KEY);
});
initRemember();

// --- Replies: open the form under the comment instead of reloading with ?replyto= ---
function respond(): HTMLElement | null {
  return $<HTMLElement>('#respond');
}
const home = respond()?.parentElement ?? null;
const homeNext = respond()?.nextSibling ?? null;

function resetCommentForm(form: HTMLFormElement): void {
  const body = $<HTMLTextAreaElement>('textarea[name=body]', form);
  if (body) body.value = '';
  form.querySelectorAll('.field-error').forEach((el) => {
    el.remove();
  });
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  });
  setReplyTarget(null);
}

function setReplyTarget(target: { id: string; name: string; li: HTMLElement } | null): void {
  const box = respond();
  const parentInput = $<HTMLInputElement>('[data-parent-id]');
  const heading = $<HTMLElement>('#respond-heading');
  if (!box || !parentInput || !heading) return;
  parentInput.value = target?.id ?? '';
  // What the last post became belongs to that post, not to the next one.
  const status = $<HTMLElement>('[data-form-status]', box);
  if (status?.classList.contains('ok')) status.textContent = '';
  heading.textContent = target ? `Reply to ${target.name}` : 'Leave your comment';
  $('[data-replying-to]')?.remove();
  if (target) {
    target.li.querySelector(':scope > article')!.after(box);
    const note = document.createElement('p');
    note.className = 'replying-to';
    note.setAttribute('data-replying-to', '');
    note.textContent = `Replying to ${target.name}. `;
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel reply';
    cancel.addEventListener('click', () => setReplyTarget(null));
    note.append(cancel);
    $('[data-form-status]', box)?.after(note);
    $<HTMLTextAreaElement>('textarea', box)?.focus();
  } else if (home && box.parentElement !== home) {
    home.insertBefore(box, homeNext);
  }
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-reply-to]');
  if (!link) return;
  event.preventDefault();
  setReplyTarget({ id: link.dataset.replyTo!, name: link.dataset.replyName ?? '', li: link.closest('li')! });
});

// --- The form token ---
// The cached page carries a token shared by all its readers. When the reader first turns to
// the comment form, a token of their own is fetched: timed from that moment and good for one
// comment, which is what the spam defence can trust most (spam/form-token.ts).
let tokenFetched = false;
document.addEventListener('focusin', (event) => {
  const form = (event.target as Element).closest<HTMLFormElement>('[data-comment-form]');
  if (!form || tokenFetched || !articleId) return;
  tokenFetched = true;
  fetch(`/api/v1/articles/${articleId}/form-token`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  })
    .then((response) => (response.ok ? (response.json() as Promise<{ formToken: string }>) : null))
    .then((answer) => {
      const input = $<HTMLInputElement>('[data-form-token]');
      if (answer && input) input.value = answer.formToken;
    })
    .catch(() => {
      tokenFetched = false; // the shared token stays; try again on the next focus
    });
});

// --- Forms ---
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  if (!form.matches('[data-comment-form], [data-rate-form]')) return;
  event.preventDefault();
  void submit(form);
});

// --- Rating: choosing a star is the rating, so the Rate button goes ---
// A click (or tap) on a star rates; the arrow keys only move along the stars (they check each
// in passing, which must not rate each), and Space or Enter rates the star that has focus.
$<HTMLElement>('[data-rate-button]')?.setAttribute('hidden', '');
const isStar = (target: EventTarget | null): target is HTMLInputElement =>
  target instanceof HTMLInputElement && target.type === 'radio' && target.closest('[data-rate-form]') !== null;
let movingByKeys = false;
document.addEventListener('keydown', (event) => {
  if (!isStar(event.target)) return;
  if (event.key.startsWith('Arrow')) {
    movingByKeys = true; // the browser's move (and the click it fires) follows in this task
    setTimeout(() => (movingByKeys = false));
  } else if (event.key === ' ' || event.key === 'Enter') {
    event.preventDefault();
    event.target.checked = true;
    event.target.form?.requestSubmit();
  }
});
document.addEventListener('click', (event) => {
  if (isStar(event.target) && !movingByKeys) event.target.form?.requestSubmit();
});

// --- Long threads: "Load more" adds the next page of threads in place of leaving the page ---
function labelLoadMore(): void {
  $('[data-load-more]')?.replaceChildren('Load more comments');
}
labelLoadMore();

async function loadMore(link: HTMLAnchorElement): Promise<void> {
  link.setAttribute('aria-disabled', 'true');
  try {
    const doc = await fetchPage(link.href);
    const list = $('[data-comment-list]');
    const fresh = $('[data-comment-list]', doc);
    if (!list || !fresh) throw new Error('No comments in the next page');
    let first: HTMLElement | null = null;
    for (const item of [...fresh.children]) {
      if (document.getElementById(item.id)) continue; // already shown (posted while reading)
      const added = document.importNode(item, true) as HTMLElement;
      list.append(added);
      first ??= added;
    }
    // The next page's links, less the way back: those threads are on this page now.
    const nav = $('[data-comment-pages]');
    const freshNav = $('[data-comment-pages]', doc);
    if (nav && freshNav) {
      freshNav.querySelector('[data-prev-comments]')?.remove();
      nav.replaceWith(document.importNode(freshNav, true));
      labelLoadMore();
    }
    if (first) {
      first.setAttribute('tabindex', '-1');
      first.focus();
    }
  } catch {
    location.href = link.href; // the plain link still works
  }
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-load-more]');
  if (!link) return;
  event.preventDefault();
  if (link.getAttribute('aria-disabled') !== 'true') void loadMore(link);
});

// --- Live updates ---
if (articleId && 'EventSource' in window) {
  const source = new EventSource(`/api/v1/articles/${articleId}/events`);
  let refreshing = false;
  source.addEventListener('rating', (event) => {
    const { score, count } = JSON.parse((event as MessageEvent).data) as { score: number | null; count: number };
    const scoreEl = $('[data-score]');
    const countEl = $('[data-count]');
    // The first rating replaces the empty state: take the summary from the page.
    if (!scoreEl)
      return void fetchPage(location.pathname + location.search).then(
        (doc) => swap(doc, '[data-rating-summary]'),
        () => undefined,
      );
    scoreEl.textContent = score === null ? '–' : `${score} %`;
    if (countEl) countEl.textContent = `${count.toLocaleString('en')} ${count === 1 ? 'rating' : 'ratings'}`;
  });
  /** Takes the comments (and, after lost events, the score) from the page as it is now. */
  const refresh = async (withScore = false) => {
    if (refreshing) return;
    refreshing = true;
    try {
      // The reply form may sit inside the list; keep it (and what the reader typed) in place.
      const box = respond();
      if (box?.closest('[data-comment-list]') && home) home.insertBefore(box, homeNext);
      const doc = await fetchPage(location.pathname + location.search);
      swap(doc, '[data-comment-list]');
      swap(doc, '[data-comment-count]');
      if (withScore) swap(doc, '[data-rating-summary]');
    } finally {
      refreshing = false;
    }
  };
  source.addEventListener('comment', (event) => {
    const { id } = JSON.parse((event as MessageEvent).data) as { id: number };
    if (!document.getElementById(`comment-${id}`)) void refresh();
  });
  // Events were lost while the connection was down (the server could not replay them all).
  source.addEventListener('reset', () => void refresh(true));
}
