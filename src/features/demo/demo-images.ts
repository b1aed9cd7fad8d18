// Pictures for the demo articles, drawn here as flat vector scenes (nothing is downloaded) and
// stored through the media store like any upload, so the first look has a lead image and cards.
import sharp from 'sharp';

const W = 1500;
const H = 1000;

function sky(top: string, bottom: string): string {
  return (
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop ` +
    `offset="1" stop-color="${bottom}"/></linearGradient></defs><rect width="${W}" height="${H}" ` +
    `fill="url(#sky)"/>`
  );
}

function waves(y: number, color: string, amplitude = 14): string {
  let d = `M0 ${y}`;
  for (let x = 0; x <= W; x += 100) d += ` Q${x + 50} ${y - amplitude} ${x + 100} ${y}`;
  return `<path d="${d} V${H} H0Z" fill="${color}"/>`;
}

/** A harbour wall at sunrise. */
function harbour(): string {
  const stones = Array.from(
    { length: 12 },
    (_, i) => `<rect x="${i * 70 + 2}" y="${560 + (i % 2) * 40}" width="66" height="36" fill="#6b6259"/>`,
  ).join('');
  return (
    `${sky('#f6c28b', '#fbe7cf')}<circle cx="1120" cy="330" r="110" fill="#f59e5b"/>` +
    `${waves(640, '#2f6f8f')}<rect x="0" y="520" width="840" height="170" fill="#8a7f73"/>${stones}<rect x="0" ` +
    `y="500" width="860" height="28" fill="#5b524a"/><rect x="760" y="330" width="44" height="180" ` +
    `fill="#f3efe7"/><rect x="752" y="310" width="60" height="34" fill="#c0392b"/>${waves(800, '#23566f', 10)}`
  );
}

/** A fish supper on a plate. */
function supper(): string {
  return (
    `${sky('#7a2e1f', '#b4532a')}<ellipse cx="750" cy="560" rx="560" ry="330" fill="#efe6d6"/><ellipse ` +
    `cx="750" cy="560" rx="450" ry="250" fill="#fbf6ec"/><path d="M420 560 Q620 400 900 520 L1030 440 L1000 ` +
    `560 L1030 680 L900 600 Q620 720 420 560Z" fill="#d9a441"/><circle cx="500" cy="540" r="12" ` +
    `fill="#3b2a1a"/>${Array.from(
      { length: 7 },
      (_, i) =>
        `<rect x="${820 + i * 38}" y="` +
        `${600 + (i % 3) * 16}" width="28" height="110" rx="8" fill="#f2c45a" transform="rotate(${-20 + i * 7} ` +
        `${834 + i * 38} 660)"/>`,
    ).join('')}<circle cx="1040" cy="420" r="44" fill="#f4e04d"/>`
  );
}

/** Seagrass under water. */
function seagrass(): string {
  const blades = Array.from({ length: 26 }, (_, i) => {
    const x = 40 + i * 57;
    const lean = (i % 2 ? 1 : -1) * (40 + ((i * 37) % 60));
    return (
      `<path d="M${x} ${H} Q${x + lean} ${700 - ((i * 53) % 200)} ${x + lean / 2} ${420 + ((i * 71) % 200)}" ` +
      `stroke="${i % 3 ? '#3f8f5a' : '#6fb46a'}" ` +
      'stroke-width="22" fill="none" stroke-linecap="round"/>'
    );
  }).join('');
  const bubbles = Array.from(
    { length: 9 },
    (_, i) =>
      `<circle cx="${200 + i * 140}" cy="${150 + ((i * 97) % 300)}" r="${8 + (i % 4) * 5}" ` +
      'fill="none" stroke="#cfeff0" stroke-width="4"/>',
  ).join('');
  return `${sky('#0f4c5c', '#1f8a8a')}<rect y="900" width="${W}" height="100" fill="#c9b27c"/>${blades}${bubbles}`;
}

/** A rowing eight on the estuary at dawn. */
function rowing(): string {
  const oars = Array.from(
    { length: 8 },
    (_, i) =>
      `<line x1="${470 + i * 75}" y1="600" x2="${430 + i * 75}" y2="${i % 2 ? 690 : 520}" stroke="#f3efe7" ` +
      `stroke-width="8"/><circle cx="${470 + i * 75}" cy="575" r="16" fill="#1d3557"/>`,
  ).join('');
  return (
    `${sky('#9ec5e8', '#f4d8c2')}<path d="M0 520 L300 440 L520 500 L800 420 L1100 490 L1500 430 V620 H0Z" ` +
    `fill="#6c8a7a"/>${waves(600, '#3d6d8f', 8)}<path d="M380 600 L1120 600 L1080 622 L420 622Z" ` +
    `fill="#c0392b"/>${oars}${waves(760, '#31597a', 6)}`
  );
}

const SCENES = [harbour, supper, seagrass, rowing];

/** The demo article's picture as PNG bytes (any index: the scenes repeat). */
export function demoImage(index: number): Promise<Buffer> {
  const scene = SCENES[index % SCENES.length]!();
  return sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${scene}</svg>`,
    ),
  )
    .png()
    .toBuffer();
}

/** Alt texts for the scenes, in the same order. */
export const DEMO_IMAGE_ALT = [
  'Illustration: a stone harbour wall and lighthouse at sunrise.',
  'Illustration: battered fish and chips on a plate.',
  'Illustration: seagrass swaying under water.',
  'Illustration: a rowing eight on the estuary at dawn.',
];
