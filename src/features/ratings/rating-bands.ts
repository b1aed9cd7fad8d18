// The rating distribution's five bands of the 0–100 scale: 0–20 is one star, 21–40 two, … 81–100
// five. The article's row keeps a count per band (rating_band_1 … rating_band_5).

export const RATING_BANDS: readonly { min: number; max: number }[] = [
  { min: 0, max: 20 },
  { min: 21, max: 40 },
  { min: 41, max: 60 },
  { min: 61, max: 80 },
  { min: 81, max: 100 },
];

/** The band (1–5) a rating falls in. */
export function ratingBand(value: number): number {
  return RATING_BANDS.findIndex((band) => value <= band.max) + 1 || RATING_BANDS.length;
}

/** How each band's count changes when a rating is counted, replacing `previous` when the reader rated before. */
export function bandChanges(
  value: number,
  previous?: number,
): { b1: number; b2: number; b3: number; b4: number; b5: number } {
  const bands = [0, 0, 0, 0, 0];
  bands[ratingBand(value) - 1]! += 1;
  if (previous !== undefined) bands[ratingBand(previous) - 1]! -= 1;
  const [b1, b2, b3, b4, b5] = bands as [number, number, number, number, number];
  return { b1, b2, b3, b4, b5 };
}
