// A small Markdown toolbar over the article textarea: bold, italic, link, heading, quote, list.
// Added by script, so without JavaScript the textarea is just a textarea. One tab stop (arrow
// keys move between the buttons, as a toolbar's do); Ctrl/⌘+B, I and K work in the textarea.
// Text goes in through the browser's editing command, so Undo takes it back.

type Edit = (
  text: string,
  start: number,
  end: number,
) => { insert: string; from: number; to: number; select: [number, number] };

/** Wraps the selection in `mark`, or inserts a placeholder between marks and selects it. */
function wrap(mark: string, placeholder: string): Edit {
  return (text, start, end) => {
    const inner = text.slice(start, end) || placeholder;
    return {
      insert: `${mark}${inner}${mark}`,
      from: start,
      to: end,
      select: [start + mark.length, start + mark.length + inner.length],
    };
  };
}

/** Puts `prefix` before every line the selection touches (or takes it away when all have it). */
function prefixLines(prefix: string): Edit {
  return (text, start, end) => {
    const from = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', end);
    const to = lineEnd === -1 ? text.length : lineEnd;
    const lines = text.slice(from, to).split('\n');
    const all = lines.every((line) => line.startsWith(prefix));
    const insert = lines
      .map((line) => (all ? line.slice(prefix.length) : prefix + line.replace(/^(#{1,6} |> |- )/, '')))
      .join('\n');
    return { insert, from, to, select: [from + insert.length, from + insert.length] };
  };
}

const link: Edit = (text, start, end) => {
  const label = text.slice(start, end) || 'link text';
  const insert = `[${label}](https://)`;
  const url = start + label.length + 3;
  return { insert, from: start, to: end, select: [url, url + 'https://'.length] };
};

const TOOLS: { label: string; text: string; key?: string; edit: Edit }[] = [
  { label: 'Bold', text: 'B', key: 'b', edit: wrap('**', 'bold text') },
  { label: 'Italic', text: 'I', key: 'i', edit: wrap('_', 'italic text') },
  { label: 'Link', text: 'Link', key: 'k', edit: link },
  { label: 'Heading', text: 'H', edit: prefixLines('## ') },
  { label: 'Quote', text: '“ ”', edit: prefixLines('> ') },
  { label: 'List', text: '• List', edit: prefixLines('- ') },
];

function apply(textarea: HTMLTextAreaElement, edit: Edit): void {
  const { insert, from, to, select } = edit(textarea.value, textarea.selectionStart, textarea.selectionEnd);
  textarea.focus();
  textarea.setSelectionRange(from, to);
  // execCommand keeps the browser's undo history; where it is missing, set the text directly.
  if (!document.execCommand('insertText', false, insert)) {
    textarea.setRangeText(insert, from, to, 'end');
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }
  textarea.setSelectionRange(select[0], select[1]);
}

export function addMarkdownToolbar(textarea: HTMLTextAreaElement): HTMLElement {
  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  const bar = document.createElement('div');
  bar.className = 'markdown-toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Formatting');
  bar.setAttribute('aria-controls', textarea.id);
  const buttons = TOOLS.map((tool, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = tool.text;
    button.setAttribute('aria-label', tool.label);
    if (tool.key) {
      const shortcut = `${mac ? 'Meta' : 'Control'}+${tool.key.toUpperCase()}`;
      button.setAttribute('aria-keyshortcuts', shortcut);
      button.title = `${tool.label} (${mac ? '⌘' : 'Ctrl+'}${tool.key.toUpperCase()})`;
    } else button.title = tool.label;
    button.tabIndex = i === 0 ? 0 : -1;
    button.addEventListener('click', () => apply(textarea, tool.edit));
    bar.append(button);
    return button;
  });
  // One tab stop: arrows, Home and End move the focus within the toolbar.
  bar.addEventListener('keydown', (event) => {
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at === -1) return;
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = buttons[(next + buttons.length) % buttons.length]!;
    for (const b of buttons) b.tabIndex = b === target ? 0 : -1;
    target.focus();
  });
  textarea.addEventListener('keydown', (event) => {
    if (!(mac ? event.metaKey : event.ctrlKey) || event.altKey || event.shiftKey) return;
    const tool = TOOLS.find((t) => t.key === event.key.toLowerCase());
    if (!tool) return;
    event.preventDefault();
    apply(textarea, tool.edit);
  });
  textarea.before(bar);
  return bar;
}
