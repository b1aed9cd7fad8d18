// The embed's frame: the article page's enhancements, plus telling the host page how tall the
// thread is (postMessage, to the host's origin only), and opening links outside the frame.
import './article.ts';

// The loader passes the host page's origin in the fragment; the referrer is the fallback.
const hostOrigin = (() => {
  const fromHash = /(?:^#|&)origin=([^&]+)/.exec(location.hash)?.[1];
  try {
    return new URL(fromHash ? decodeURIComponent(fromHash) : document.referrer).origin;
  } catch {
    return null;
  }
})();

if (hostOrigin && window.parent !== window) {
  let last = 0;
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ broadsheet: 'height', height }, hostOrigin);
  };
  new ResizeObserver(report).observe(document.documentElement);
  report();
}

// A link in a comment (or to the full discussion) opens in a new tab, not inside the frame;
// in-page links (#comment-…) and reply links stay.
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a[href]');
  if (!link || link.hasAttribute('data-reply-to') || link.getAttribute('href')!.startsWith('#')) return;
  if (link.origin === location.origin && link.pathname === location.pathname) return;
  link.target = '_blank';
  if (!/\bnoopener\b/.test(link.rel)) link.rel = `${link.rel} noopener`.trim();
});
