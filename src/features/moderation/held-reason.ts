// Why a comment was held, in a moderator's words. The moderation steps store their names with
// their findings ("policy-first-time: …; spam score 0.42"): names that the step tests and the
// CLI use, but that mean nothing to a moderator. Each becomes a sentence here.

const STEPS = [
  'block-list',
  'honeypot',
  'form-token',
  'duplicate',
  'links',
  'classifier',
  'policy-hold-all',
  'staff-identity',
  'unproven-address',
  'policy-first-time',
] as const;
type Step = (typeof STEPS)[number];

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function scoreSentence(score: string): string {
  return (
    `The spam filter judged it ${Math.round(Number(score) * 100)} % likely to be spam, from the words of ` +
    `comments moderators marked before.`
  );
}

const SENTENCES: Record<Step, (detail: string) => string> = {
  'block-list': (detail) => `It matches the site's block list (${detail.replace(/^blocked /, '')}).`,
  honeypot: () => 'A hidden field that people never see was filled in, as automated spam tools do.',
  'form-token': (detail) => `The comment form was not used as a person would: ${sentence(detail)}`,
  duplicate: (detail) => sentence(`It has the ${detail.replace(/^same text as /, 'same text as ')}`),
  links: (detail) => {
    const m = /^(\d+) links \(limit (\d+)\)$/.exec(detail);
    return m
      ? `It has ${m[1]} links; comments with more than ${m[2]} wait for a moderator.`
      : sentence(capitalised(detail));
  },
  classifier: (detail) => scoreSentence(/([\d.]+)$/.exec(detail)?.[1] ?? '0'),
  'policy-hold-all': () => 'The site holds every comment for review (Settings → Comment policy).',
  'staff-identity': (detail) => sentence(capitalised(detail)),
  'unproven-address': (detail) => sentence(capitalised(detail)),
  'policy-first-time': () =>
    'It is the first comment from this person: the site holds a newcomer until a moderator approves one of ' +
    'their comments.',
};

const PART = new RegExp(`^(${STEPS.join('|')}): ([\\s\\S]*)$`);
// Parts are joined with "; ", which a finding may contain too: split only before a step's name.
const SEPARATOR = new RegExp(`; (?=(?:${STEPS.join('|')}): |spam score \\d)`);

/** One sentence per reason recorded; text from an older or unknown step is shown without its code. */
export function describeHeldReason(stored: string): string[] {
  return stored
    .split(SEPARATOR)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const score = /^spam score ([\d.]+)$/.exec(part);
      if (score) return scoreSentence(score[1]!);
      const m = PART.exec(part);
      if (m) return SENTENCES[m[1] as Step](m[2]!);
      return sentence(capitalised(part.replace(/^[a-z-]+: /, '')));
    });
}
