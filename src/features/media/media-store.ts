// Featured images on disk: check that an upload really is an image (by its bytes, not by what
// the browser claims), resize it into WebP widths, write them under the media folder, and
// delete them again. Metadata (EXIF, GPS) is dropped by the re-encode.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Metadata } from 'sharp';
import { AppError } from '../../errors.ts';
import { imageKey, mediaFile, parseImage, variantWidths } from './featured-image.ts';

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const MAX_PIXELS = 40_000_000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// sharp (libvips) adds some 30 MB to the process once loaded: it is loaded with the first image,
// so commands and imports that never handle one do without it.
let sharpModule: Promise<typeof import('sharp')> | undefined;
const loadSharp = async () => (await (sharpModule ??= import('sharp'))).default;

/** What the form field is called, so errors land beside it. */
export const IMAGE_FIELD = 'image';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

/** The format named by the file's first bytes, or null when it is none we accept. */
export function sniffImage(data: Buffer): ImageFormat | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'gif';
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString('latin1') === 'RIFF' &&
    data.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'webp';
  return null;
}

export function imageTooLarge(): AppError {
  return new AppError('payload_too_large', 'The image is larger than 8 MB. Choose a smaller file.', {
    [IMAGE_FIELD]: 'The image is larger than 8 MB.',
  });
}

function notAnImage(): AppError {
  const message = 'That file is not an image we can use. Choose a JPEG, PNG, WebP or GIF.';
  return new AppError('unsupported_media_type', message, { [IMAGE_FIELD]: message });
}

function unreadable(): AppError {
  const message = 'That image could not be read; it may be damaged. Try another file.';
  return new AppError('unsupported_media_type', message, { [IMAGE_FIELD]: message });
}

function tooManyPixels(): AppError {
  const message = 'That image has too many pixels (over 40 megapixels). Make it smaller and try again.';
  return new AppError('payload_too_large', message, { [IMAGE_FIELD]: message });
}

export interface ProcessedImage {
  key: string;
  files: { name: string; data: Buffer }[];
}

export interface MediaStore {
  readonly dir: string;
  /** Checks and resizes an upload in memory; throws a 413 or 415 AppError with the field's message. */
  process(data: Buffer): Promise<ProcessedImage>;
  /** Writes the variants (each file appears whole, through a rename). */
  write(image: ProcessedImage): Promise<void>;
  /** Removes every variant of a key; missing files are fine. */
  remove(key: string | null): Promise<void>;
}

export function createMediaStore(dir: string): MediaStore {
  return {
    dir,

    async process(data) {
      if (data.length > MAX_IMAGE_BYTES) throw imageTooLarge();
      if (!sniffImage(data)) throw notAnImage();
      const sharp = await loadSharp();
      let meta: Metadata;
      try {
        meta = await sharp(data).metadata();
      } catch {
        throw unreadable();
      }
      if (!meta.width || !meta.height) throw unreadable();
      if (meta.width * meta.height > MAX_PIXELS) throw tooManyPixels();
      // EXIF orientations 5–8 swap width and height once the image is turned upright.
      const upright =
        (meta.orientation ?? 1) >= 5
          ? { width: meta.height, height: meta.width }
          : { width: meta.width, height: meta.height };
      const id = Array.from(randomBytes(16), (b) => ALPHABET[b % ALPHABET.length]).join('');
      const widths = variantWidths(upright.width);
      try {
        const outputs = await Promise.all(
          widths.map((width) =>
            sharp(data, { limitInputPixels: MAX_PIXELS })
              .rotate()
              .resize({ width, withoutEnlargement: true })
              .webp({ quality: 80 })
              .toBuffer({ resolveWithObject: true }),
          ),
        );
        const largest = outputs[outputs.length - 1]!.info;
        const key = imageKey(id, largest.width, largest.height);
        return { key, files: outputs.map((out, i) => ({ name: mediaFile(key, widths[i]!), data: out.data })) };
      } catch {
        throw unreadable();
      }
    },

    async write(image) {
      await mkdir(dir, { recursive: true });
      try {
        for (const file of image.files) {
          const temp = join(dir, `.${file.name}.${process.pid}.tmp`);
          await writeFile(temp, file.data);
          await rename(temp, join(dir, file.name));
        }
      } catch (error) {
        await this.remove(image.key);
        throw error;
      }
    },

    async remove(key) {
      const image = parseImage(key, '');
      if (!image) return;
      await Promise.all(image.widths.map((w) => rm(join(dir, mediaFile(image.key, w)), { force: true })));
    },
  };
}
