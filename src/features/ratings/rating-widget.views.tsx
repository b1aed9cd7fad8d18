// The Reviews widget: user score, count, distribution, and the Rate This form. The score is in
// percent (the product's "85 % User Score"); a reader's own rating and the bands are told in the
// site's scale, in words ("4 stars").
import { plural } from '../../views/html.ts';
import { Slot } from '../../views/slots.tsx';
import type { RatingScale } from '../settings/settings.service.ts';
import type { RatingDetails } from './rating.service.ts';

const STAR_LABELS = ['1 star', '2 stars', '3 stars', '4 stars', '5 stars'];

export function formatScore(score: number | null): string {
  return score === null ? '–' : `${score} %`;
}

/** A rating in the site's scale, in words: "4 stars" on the stars scale, "80 %" otherwise. */
export function describeRating(value: number, scale: RatingScale): string {
  return scale === 'stars' && value % 20 === 0 && value > 0 ? STAR_LABELS[value / 20 - 1]! : `${value} %`;
}

/**
 * The score, its count and how the ratings spread; the rate form comes after it (slot
 * `rate-form`). The script swaps the summary alone after a rating, so focus stays on the stars.
 */
export function RatingWidget({
  rating,
  baselineCount,
  scale,
}: {
  rating: RatingDetails;
  baselineCount: number;
  scale: RatingScale;
}) {
  return (
    <section id="rating" class="reviews" aria-labelledby="reviews-heading" data-rating>
      <h2 id="reviews-heading">Reviews</h2>
      <RatingSummary rating={rating} baselineCount={baselineCount} scale={scale} />
      <Slot name="rate-form" />
    </section>
  );
}

function RatingSummary({
  rating,
  baselineCount,
  scale,
}: {
  rating: RatingDetails;
  baselineCount: number;
  scale: RatingScale;
}) {
  if (rating.count === 0) {
    return (
      <div class="rating-summary" data-rating-summary>
        <p class="score-none" aria-live="polite">
          No ratings yet. Be the first to say what you think of it.
        </p>
      </div>
    );
  }
  const bandTotal = rating.distribution.reduce((n, band) => n + band.count, 0);
  // Ratings imported with the article have a total but no breakdown: one line says so, instead of empty bars.
  const earlier = baselineCount > 0 ? plural(baselineCount, 'rating', 'ratings') : '';
  return (
    <div class="rating-summary" data-rating-summary>
      <div class="score" aria-live="polite">
        <p class="score-value" data-score>
          {formatScore(rating.score)}
        </p>
        <p class="score-label">User Score</p>
        <p class="score-count" data-count>
          {plural(rating.count, 'rating', 'ratings')}
        </p>
      </div>
      <div class="spread">
        {bandTotal > 0 ? (
          <table class="distribution" data-distribution>
            <caption>How readers rated it here</caption>
            <tbody>
              {[...rating.distribution].reverse().map((band, i) => (
                <tr>
                  <th scope="row">{scale === 'stars' ? STAR_LABELS[4 - i] : `${band.min}–${band.max} %`}</th>
                  <td>
                    <meter min={0} max={bandTotal} value={band.count} />
                  </td>
                  <td class="band-count">{band.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {earlier ? (
          <p class="baseline-note">
            {bandTotal > 0
              ? `The score also counts ${earlier} the article brought from its earlier home.`
              : `The score comes from ${earlier} the article brought from its earlier home.`}
          </p>
        ) : null}
      </div>
    </div>
  );
}

export function RateForm(props: { action: string; scale: RatingScale; yourRating: number | null; error?: string }) {
  const { action, scale, yourRating, error } = props;
  return (
    <form class="rate-form" method="post" action={action} data-rate-form>
      <fieldset aria-describedby={error ? 'rate-error' : undefined}>
        <legend>Rate This</legend>
        {scale === 'stars' ? (
          <div class="stars">
            {/* In rising order, so that the arrow keys move the way the stars read. */}
            {[20, 40, 60, 80, 100].map((value) => (
              <>
                <input
                  type="radio"
                  name="value"
                  id={`rate-${value}`}
                  value={value}
                  checked={yourRating === value}
                  required
                />
                <label for={`rate-${value}`} title={STAR_LABELS[value / 20 - 1]}>
                  <span class="visually-hidden">{STAR_LABELS[value / 20 - 1]}</span>
                </label>
              </>
            ))}
          </div>
        ) : (
          <p class="percent-input">
            <label for="rate-value">Your rating, 0 to 100 %</label>
            <input
              type="number"
              name="value"
              id="rate-value"
              min={0}
              max={100}
              step={1}
              inputMode="numeric"
              value={yourRating ?? ''}
              required
            />
          </p>
        )}
        {/* With the script, choosing a star is the rating and this button is hidden: one control, one rating. */}
        <button type="submit" data-rate-button={scale === 'stars' ? '' : undefined}>
          Rate
        </button>
      </fieldset>
      {error ? (
        <p class="field-error" id="rate-error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="your-rating" data-your-rating aria-live="polite">
        {yourRating === null ? '' : `Your rating: ${describeRating(yourRating, scale)}. Rate again to change it.`}
      </p>
    </form>
  );
}
