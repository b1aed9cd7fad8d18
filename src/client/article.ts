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
  // `no-cache`: the shared page may be reused stale for a while (stale-while-revalidate), and a
  // live update needs the page as it is now; the ETag keeps an unchanged one a 304.
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache', headers: { accept: 'text/html' }, ...init });
  if (!response.headers.get('content-type')?.includes('text/html')) throw new Error(`Unexpected response (${response.status})`);
  return new DOMParser().parseFromString(await response.text(), 'text/html');
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

async function submit(form: HTMLFormElement): Promise<void> {
  const button = $<HTMLButtonElement>('button[type=submit]', form);
  if (button) button.disabled = true;
  const isComment = form.hasAttribute('data-comment-form');
  const before = commentIds(document);
  try {
    const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
    const doc = await fetchPage(form.action, { method: 'POST', body });
    if (!isComment) {
      swap(doc, '[data-rating]');
      const message = $('[data-your-rating]', doc)?.textContent || $('.field-error', doc)?.textContent || '';
      const rateForm = $<HTMLFormElement>('[data-rate-form]');
      if (rateForm) announce(rateForm, message);
      return;
    }
    const errors = $('[data-comment-form] [aria-invalid], [data-comment-form] .field-error', doc) ?? ($('[data-form-status]', doc)?.textContent ? $('[data-form-status]', doc) : null);
    if (errors) {
      // Show the server's verdict beside the fields, keeping the reader's text.
      const fresh = $('[data-comment-form]', doc)!;
      fresh.querySelectorAll<HTMLElement>('.field-error').forEach((el) => el.setAttribute('role', 'alert'));
      const container = form.closest('.respond')!;
      form.replaceWith(document.importNode(fresh, true));
      $<HTMLElement>('[aria-invalid="true"]', container)?.focus();
      return;
    }
    // The reply form may sit inside the list being replaced: put it back home first.
    resetCommentForm(form);
    // A personal form token is good for one comment: the next comment fetches its own.
    tokenFetched = false;
    swap(doc, '[data-comment-list]');
    swap(doc, '[data-comment-count]');
    const added = [...commentIds(document)].find((id) => !before.has(id));
    const target = added ? document.getElementById(added) : null;
    const pending = target?.classList.contains('pending');
    announce(form, pending ? 'Thank you. Your comment is awaiting moderation.' : 'Your comment is published.');
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

// --- Replies: open the form under the comment instead of reloading with ?replyto= ---
function respond(): HTMLElement | null {
  return $<HTMLElement>('#respond');
}
const home = respond()?.parentElement ?? null;
const homeNext = respond()?.nextSibling ?? null;

function resetCommentForm(form: HTMLFormElement): void {
  const body = $<HTMLTextAreaElement>('textarea[name=body]', form);
  if (body) body.value = '';
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
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
  fetch(`/api/v1/articles/${articleId}/form-token`, { credentials: 'same-origin', headers: { accept: 'application/json' } })
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

// Choosing a star is the rating: no need to press the button as well.
document.addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  if (input.name === 'value' && input.type === 'radio') input.form?.requestSubmit();
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
    if (scoreEl) scoreEl.textContent = score === null ? '–' : `${score} %`;
    if (countEl) countEl.textContent = `${count.toLocaleString('en')} ${count === 1 ? 'rating' : 'ratings'}`;
  });
  /** Takes the comments (and, after lost events, the score) from the page as it is now. */
  const refresh = async (withScore = false) => {
    if (refreshing) return;
    refreshing = true;
    try {
      // The reply form may sit inside the list; keep it (and what the reader typed) in place.
      const box = respond();
      if (box && box.closest('[data-comment-list]') && home) home.insertBefore(box, homeNext);
      const doc = await fetchPage(location.pathname + location.search);
      swap(doc, '[data-comment-list]');
      swap(doc, '[data-comment-count]');
      for (const selector of withScore ? ['[data-score]', '[data-count]'] : []) {
        const [now, fresh] = [$(selector), $(selector, doc)];
        if (now && fresh) now.textContent = fresh.textContent;
      }
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
