// Pictures for tests: made with sharp (no files in the repository), stored as uploads are.
import sharp from 'sharp';
import type { Services } from '../../src/app.ts';
import { setFeaturedImage } from '../../src/features/articles/article.repository.ts';
import { createMediaStore } from '../../src/features/media/media-store.ts';
import { demoImage } from '../../src/features/demo/demo-images.ts';

/** A plain PNG of the given size and colour. */
export function pngImage(width: number, height: number, background = '#3a6ea5'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background } })
    .png()
    .toBuffer();
}

/** Gives an article a featured image (one of the demo scenes), as the editor would store it; returns its key. */
export async function attachImage(
  services: Services,
  articleId: number,
  scene: number,
  alt = 'A picture',
): Promise<string> {
  const media = createMediaStore(services.config.mediaDir);
  const image = await media.process(await demoImage(scene));
  await media.write(image);
  await setFeaturedImage(services.db, articleId, image.key, alt);
  services.events.emit('article.changed', { articleId });
  return image.key;
}

/** A wordmark logo on a transparent ground, as a newsroom might upload. */
export function logoImage(): Promise<Buffer> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="120" viewBox="0 0 640 120"><rect x="0" y="10" ` +
    `width="100" height="100" rx="18" fill="#1d6f8f"/><path d="M12 78 Q31 62 50 78 T88 78 V98 H12Z" ` +
    `fill="#fff"/><circle cx="64" cy="40" r="14" fill="#f4c95d"/><text x="120" y="82" font-family="Georgia, ` +
    `serif" font-weight="700" font-size="40" fill="#1d6f8f">Wrenhaven Courier</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
