// Pictures for tests: made with sharp (no files in the repository), stored as uploads are.
import sharp from 'sharp';
import type { Services } from '../../src/app.ts';
import { setFeaturedImage } from '../../src/features/articles/article.repository.ts';
import { createMediaStore } from '../../src/features/articles/media.store.ts';
import { demoImage } from '../../src/features/demo/demo-images.ts';

/** A plain PNG of the given size and colour. */
export function pngImage(width: number, height: number, background = '#3a6ea5'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background } }).png().toBuffer();
}

/** Gives an article a featured image (one of the demo scenes), as the editor would store it; returns its key. */
export async function attachImage(services: Services, articleId: number, scene: number, alt = 'A picture'): Promise<string> {
  const media = createMediaStore(services.config.mediaDir);
  const image = await media.process(await demoImage(scene));
  await media.write(image);
  await setFeaturedImage(services.db, articleId, image.key, alt);
  services.events.emit('article.changed', { articleId });
  return image.key;
}
