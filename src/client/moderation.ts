// Keyboard shortcuts for the moderation queue. Every action is a plain form that works without
// this script; the keys only move focus between comments and press the focused comment's buttons.
//   j / k  next / previous comment     x  select it for a bulk action
//   a s t u  approve, spam, trash, back to pending     ?  show the list of shortcuts

const items = () => [...document.querySelectorAll<HTMLElement>('[data-queue-item]')];

/** Keys typed into a field are text, not commands. */
const typing = (target: EventTarget | null) =>
  target instanceof Element &&
  target.matches(
    'textarea, select, [contenteditable], ' +
      'input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button])',
  );

function focusItem(index: number): void {
  const list = items();
  const item = list[Math.max(0, Math.min(index, list.length - 1))];
  if (!item) return;
  item.focus();
  item.scrollIntoView({ block: 'nearest' });
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const list = items();
  const current = document.activeElement?.closest<HTMLElement>('[data-queue-item]') ?? null;
  const index = current ? list.indexOf(current) : -1;
  const key = event.key;
  if (key === 'j') focusItem(index + 1);
  else if (key === 'k') focusItem(index < 0 ? 0 : index - 1);
  else if (key === 'x' && current) current.querySelector<HTMLInputElement>('input[type=checkbox]')?.click();
  else if (key.length === 1 && 'astu'.includes(key) && current)
    current.querySelector<HTMLButtonElement>(`button[data-key="${key}"]`)?.click();
  else if (key === '?') {
    const help = document.getElementById('shortcuts') as HTMLDetailsElement | null;
    if (!help) return;
    help.open = true;
    help.querySelector<HTMLElement>('summary')?.focus();
  } else return;
  event.preventDefault();
});

// "Select all" needs a script, so it is hidden until this runs.
const all = document.querySelector<HTMLInputElement>('[data-select-all]');
if (all) {
  all.closest<HTMLElement>('[hidden]')?.removeAttribute('hidden');
  all.addEventListener('change', () => {
    for (const box of document.querySelectorAll<HTMLInputElement>('[data-queue-item] input[type=checkbox]'))
      box.checked = all.checked;
  });
}

// After an action the page comes back at the next comment (#c<id>): continue from there.
if (/^#c\d+$/.test(location.hash)) document.querySelector<HTMLElement>(`[data-queue-item]${location.hash}`)?.focus();
