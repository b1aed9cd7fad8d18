// Makes the article editor's preview live, and adds the Markdown toolbar. Without this script
// the editor is a plain form whose Preview button renders the preview on the server. With it,
// the Markdown is sent to POST /admin/preview a moment after typing stops, and the server's HTML
// (the same renderer and sanitiser as the article page) replaces the preview pane's content.
import { addMarkdownToolbar } from './markdown-toolbar.ts';

const source = document.querySelector<HTMLTextAreaElement>('textarea[data-markdown-source]');
const preview = document.querySelector<HTMLElement>('[data-preview]');
const csrf = source?.form?.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value;

const DELAY_MS = 300;

if (source) addMarkdownToolbar(source);

if (source && preview && csrf) {
  const url = source.dataset.previewUrl ?? '/admin/preview';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;
  let shown = source.value;

  const refresh = async (): Promise<void> => {
    const markdown = source.value;
    if (markdown === shown) return;
    // Only the newest text matters: a slower, older answer must not overwrite it.
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    try {
      const response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ markdown }),
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`preview failed (${response.status})`);
      const { html } = (await response.json()) as { html: string };
      if (controller.signal.aborted) return;
      preview.innerHTML = html; // sanitised by the server
      preview.classList.remove('stale');
      shown = markdown;
    } catch {
      // Aborted by newer text, offline, or logged out: show that the pane is behind; typing retries.
      if (!controller.signal.aborted) preview.classList.add('stale');
    }
  };

  source.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), DELAY_MS);
  });
}
