// The Reviews widget: user score, count, distribution, and the Rate This form.
import { plural } from '../../views/html.ts';
import { Slot } from '../../views/slots.tsx';
import type { RatingScale } from '../settings/settings.service.ts';
import type { RatingDetails } from './rating.service.ts';

const STAR_LABELS = ['1 star', '2 stars', '3 stars', '4 stars', '5 stars'];

export function formatScore(score: number | null): string {
  return score === null ? '–' : `${score} %`;
}

export function describeRating(value: number, scale: RatingScale): string {
  return scale === 'stars' && value % 20 === 0 && value > 0 ? `${STAR_LABELS[value / 20 - 1]} (${value} %)` : `${value} %`;
}

export function RatingWidget({ rating, baselineCount, scale }: { rating: RatingDetails; baselineCount: number; scale: RatingScale }) {
  const bandTotal = rating.distribution.reduce((n, band) => n + band.count, 0);
  return (
    <section id="rating" class="reviews" aria-labelledby="reviews-heading" data-rating>
      <h2 id="reviews-heading">Reviews</h2>
      <div class="score" aria-live="polite">
        <p class="score-value" data-score>
          {formatScore(rating.score)}
        </p>
        <p class="score-label">User Score</p>
        <p class="score-count" data-count>
          {plural(rating.count, 'rating', 'ratings')}
        </p>
      </div>
      <table class="distribution" data-distribution>
        <caption>
          How readers rated it{baselineCount > 0 ? ` (${plural(bandTotal, 'rating', 'ratings')} made here; ${baselineCount.toLocaleString('en')} carried over without a breakdown)` : ''}
        </caption>
        <tbody>
          {[...rating.distribution].reverse().map((band, i) => (
            <tr>
              <th scope="row">{scale === 'stars' ? STAR_LABELS[4 - i] : `${band.min}–${band.max} %`}</th>
              <td>
                <meter min={0} max={Math.max(bandTotal, 1)} value={band.count} />
              </td>
              <td class="band-count">{band.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Slot name="rate-form" />
    </section>
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
            {[100, 80, 60, 40, 20].map((value) => (
              <>
                <input type="radio" name="value" id={`rate-${value}`} value={value} checked={yourRating === value} required />
                <label for={`rate-${value}`} title={STAR_LABELS[value / 20 - 1]}>
                  <span class="visually-hidden">{STAR_LABELS[value / 20 - 1]}</span>
                </label>
              </>
            ))}
          </div>
        ) : (
          <p class="percent-input">
            <label for="rate-value">Your rating, 0 to 100 %</label>
            <input type="number" name="value" id="rate-value" min={0} max={100} step={1} inputMode="numeric" value={yourRating ?? ''} required />
          </p>
        )}
        <button type="submit">Rate</button>
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
