// /embed.js: puts Broadsheet's ratings and comments on a page it does not render. Tiny and
// without inline script or eval, so it runs under a host CSP of `script-src <Broadsheet>`.
//   <div id="broadsheet-thread" data-url="https://example.org/story.html"><a href="…">fallback</a></div>
//   <span data-broadsheet-count data-url="…"></span>
// The thread renders in an iframe on Broadsheet's origin, which reports its height by postMessage.

interface Counts {
  url: string;
  commentCount: number;
  score: number | null;
  count: number;
}

const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[src*="/embed.js"]');
const base = script ? script.src.replace(/\/embed\.js(?:[?#].*)?$/, '') : '';
const broadsheetOrigin = base ? new URL(base).origin : '';

/** The page's own address: its canonical link, else where it is, without query and fragment. */
function pageUrl(): string {
  const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href;
  return canonical || location.origin + location.pathname;
}

/** A data-url as written (relative ones against this page), else the page's own address. */
function threadUrlOf(element: HTMLElement): string {
  const given = element.dataset.url;
  if (!given) return pageUrl();
  try {
    return new URL(given, location.href).href;
  } catch {
    return given;
  }
}

async function mountThread(box: HTMLElement): Promise<void> {
  const url = threadUrlOf(box);
  // A new thread is named after the page (data-title names one for another page).
  const title = box.dataset.title || (url === pageUrl() ? document.title : '');
  const response = await fetch(`${base}/api/v1/embed/threads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, title }),
  });
  // Refused (an origin not allowed, a bad address): the fallback link stays.
  if (!response.ok) return;
  const thread = (await response.json()) as { embedPath: string };
  const frame = document.createElement('iframe');
  frame.src = `${base}${thread.embedPath}#origin=${encodeURIComponent(location.origin)}`;
  frame.title = 'Ratings and comments';
  frame.style.width = '100%';
  frame.style.border = '0';
  frame.style.height = '30em';
  frame.style.display = 'block';
  window.addEventListener('message', (event) => {
    if (event.origin !== broadsheetOrigin || event.source !== frame.contentWindow) return;
    const data = event.data as { broadsheet?: string; height?: unknown };
    if (data?.broadsheet === 'height' && typeof data.height === 'number' && data.height > 0)
      frame.style.height = `${Math.ceil(data.height)}px`;
  });
  box.replaceChildren(frame);
}

async function fillCounts(): Promise<void> {
  const spans = [...document.querySelectorAll<HTMLElement>('[data-broadsheet-count]')];
  if (spans.length === 0) return;
  const urlOf = threadUrlOf;
  const urls = [...new Set(spans.map(urlOf))].slice(0, 50);
  // All the counters on the page in one request.
  const response = await fetch(
    `${base}/api/v1/embed/counts?${urls.map((u) => `url=${encodeURIComponent(u)}`).join('&')}`,
  );
  if (!response.ok) return;
  const { items } = (await response.json()) as { items: Counts[] };
  const byUrl = new Map(items.map((item) => [item.url, item]));
  for (const span of spans) {
    const item = byUrl.get(urlOf(span));
    if (!item) continue;
    const comments = `${item.commentCount} ${item.commentCount === 1 ? 'comment' : 'comments'}`;
    span.textContent = item.score === null ? comments : `${comments} · ${item.score} %`;
    span.dataset.comments = String(item.commentCount);
    span.dataset.score = item.score === null ? '' : String(item.score);
  }
}

function start(): void {
  if (!base) return;
  const box = document.getElementById('broadsheet-thread');
  if (box) void mountThread(box).catch(() => undefined);
  void fillCounts().catch(() => undefined);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
