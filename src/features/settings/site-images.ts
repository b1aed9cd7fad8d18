// The site's own images: the logo, the favicon and the default share image. Each is uploaded
// like a featured image (checked by its bytes, re-encoded into WebP widths under the media
// folder) and its key kept as a setting. The favicon is made from the icon, else the logo,
// else the built-in icon shipped beside the stylesheet, and kept in memory until that changes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Actor } from '../audit/audit.service.ts';
import { mediaFile, mediaPath, parseImage, type FeaturedImage } from '../media/featured-image.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { PreviewImage } from '../../views/link-preview.tsx';
import type { Settings, SettingsService } from './settings.service.ts';

export const SITE_IMAGE_SLOTS = ['siteLogo', 'siteIcon', 'shareImage'] as const;
export type SiteImageSlot = (typeof SITE_IMAGE_SLOTS)[number];

/** The favicon file holds these sizes (browsers pick one); touch icons are 180 px. */
const ICO_SIZES = [16, 32, 48] as const;
const TOUCH_SIZE = 180;

declare const BROADSHEET_BUILT: boolean | undefined;
const viewsDir =
  typeof BROADSHEET_BUILT !== 'undefined'
    ? new URL('../src/views/', import.meta.url)
    : new URL('../../views/', import.meta.url);

export interface SiteIcons {
  ico: Buffer;
  touch: Buffer;
}

export interface SiteImages {
  /** Stores the upload as the slot's image and deletes the one it replaces; throws the media store's 413/415 errors. */
  upload(slot: SiteImageSlot, data: Buffer, actor: Actor): Promise<void>;
  remove(slot: SiteImageSlot, actor: Actor): Promise<void>;
  /** The favicon (ICO) and touch icon (PNG) for the current settings. */
  icons(): Promise<SiteIcons>;
}

export function logoOf(settings: Settings): FeaturedImage | null {
  return parseImage(settings.siteLogo, settings.siteTitle);
}

/** The picture link previews and JSON-LD fall back on. */
export function shareImageOf(settings: Settings): FeaturedImage | null {
  return parseImage(settings.shareImage, '');
}

export function previewImageOf(image: FeaturedImage | null): PreviewImage | undefined {
  return image
    ? { path: mediaPath(image.key, image.width), width: image.width, height: image.height, alt: image.alt }
    : undefined;
}

/** Which image the favicon is made from ('' for the built-in icon). */
function iconSource(settings: Settings): string {
  return parseImage(settings.siteIcon, '')?.key ?? parseImage(settings.siteLogo, '')?.key ?? '';
}

/** Changes with the icon's source, so that the links in pages make browsers fetch the new one. */
export function iconVersion(settings: Settings): string {
  return iconSource(settings).slice(0, 8) || 'builtin';
}

export function createSiteImages({ settings, media }: { settings: SettingsService; media: MediaStore }): SiteImages {
  let cached: { source: string; icons: Promise<SiteIcons> } | undefined;

  async function sourceBytes(key: string): Promise<{ data: Buffer; density?: number }> {
    const image = parseImage(key, '');
    if (image) {
      try {
        // The largest variant gives the crispest touch icon; any variant will do for 48 px.
        return { data: await readFile(join(media.dir, mediaFile(image.key, image.widths[image.widths.length - 1]!))) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return { data: await readFile(new URL('favicon.svg', viewsDir)), density: 600 };
  }

  async function makeIcons(source: string): Promise<SiteIcons> {
    const { data, density } = await sourceBytes(source);
    // A wide logo is fitted into the square, on a transparent ground.
    const square = (size: number) =>
      sharp(data, density ? { density } : {})
        .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
        .png()
        .toBuffer();
    const [pngs, touch] = await Promise.all([Promise.all(ICO_SIZES.map(square)), square(TOUCH_SIZE)]);
    return { ico: icoFile(ICO_SIZES.map((size, i) => ({ size, png: pngs[i]! }))), touch };
  }

  return {
    async upload(slot, data, actor) {
      const image = await media.process(data);
      await media.write(image);
      const previous = settings.get()[slot];
      try {
        await settings.update({ [slot]: image.key }, actor);
      } catch (error) {
        await media.remove(image.key);
        throw error;
      }
      await media.remove(previous || null);
    },

    async remove(slot, actor) {
      const previous = settings.get()[slot];
      if (!previous) return;
      await settings.update({ [slot]: '' }, actor);
      await media.remove(previous);
    },

    icons() {
      const source = iconSource(settings.get());
      if (cached?.source !== source) {
        const icons = makeIcons(source);
        cached = { source, icons };
        // A failure is not kept: the next request tries again.
        icons.catch(() => cached?.icons === icons && (cached = undefined));
      }
      return cached.icons;
    },
  };
}

/** An ICO file whose images are PNGs (as every browser since 2007 reads them). */
export function icoFile(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}
