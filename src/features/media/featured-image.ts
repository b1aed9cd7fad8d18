// A featured image is stored once per upload as a few WebP widths. Its key says everything a
// page needs without touching the disk: `<16 random chars>_<W>x<H>`, where W×H is the largest
// variant. The other widths follow from W, so the srcset is computed, never looked up.

/** Widths made for each upload (never wider than the original: no upscaling). */
export const IMAGE_WIDTHS = [480, 960, 1600] as const;

export interface FeaturedImage {
  key: string;
  alt: string;
  /** The largest variant's size: the img's width and height attributes, so nothing shifts. */
  width: number;
  height: number;
  /** Every stored width, smallest first. */
  widths: number[];
}

const KEY = /^([a-z0-9]{16})_(\d{1,5})x(\d{1,5})$/;
/** A stored file's name: `<key>-<width>.webp`. */
export const MEDIA_FILE = /^[a-z0-9]{16}_\d{1,5}x\d{1,5}-\d{1,5}\.webp$/;

/** The widths stored for an original of this width. */
export function variantWidths(originalWidth: number): number[] {
  const largest = Math.min(originalWidth, Math.max(...IMAGE_WIDTHS));
  return [...IMAGE_WIDTHS.filter((w) => w < largest), largest];
}

export function imageKey(id: string, width: number, height: number): string {
  return `${id}_${width}x${height}`;
}

export function parseImage(key: string | null, alt: string): FeaturedImage | null {
  const match = key ? KEY.exec(key) : null;
  if (!match) return null;
  const width = Number(match[2]);
  return { key: key!, alt, width, height: Number(match[3]), widths: variantWidths(width) };
}

export function mediaFile(key: string, width: number): string {
  return `${key}-${width}.webp`;
}

export function mediaPath(key: string, width: number): string {
  return `/media/${mediaFile(key, width)}`;
}

export function srcsetOf(image: FeaturedImage): string {
  return image.widths.map((w) => `${mediaPath(image.key, w)} ${w}w`).join(', ');
}

/** The height of the variant `width` wide (rounded the way the resizer rounds). */
export function heightAt(image: FeaturedImage, width: number): number {
  return Math.round((image.height * width) / image.width);
}
