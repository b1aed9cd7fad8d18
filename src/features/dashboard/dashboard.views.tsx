// The dashboard: the queue's size, two small bar charts drawn on the server as SVG (sized and
// coloured with presentation attributes, since the CSP allows no inline styles), and two short
// lists of articles. Each chart is an image with a summary for screen readers and its figures
// in a table anyone can open.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { plural } from '../../views/html.ts';
import { articlePath } from '../articles/article.model.ts';
import { formatScore } from '../ratings/rating.widget.tsx';
import { TOP_RATED_MIN_RATINGS, type ArticleFigure, type DailySeries, type Dashboard } from './dashboard.service.ts';

const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayLabel = (day: string) => SHORT_DAY.format(new Date(`${day}T00:00:00Z`));

export function DashboardPage({ frame, dashboard, canModerate, notice }: { frame: AdminFrame; dashboard: Dashboard; canModerate: boolean; notice?: string }) {
  const { pending } = dashboard;
  return (
    <AdminLayout frame={frame} title="Dashboard" active="/admin">
      <h1>Dashboard</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p>Welcome, {frame.session.user.displayName}.</p>
      <section class="dash-queue" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Moderation queue</h2>
        <p class="big-figure" data-pending-count={pending}>
          {canModerate ? <a href="/admin/comments?status=pending">{plural(pending, 'comment', 'comments')} awaiting moderation</a> : `${plural(pending, 'comment', 'comments')} awaiting moderation`}
        </p>
      </section>
      <div class="dash-charts">
        <DailyChart id="comments-chart" title="Comments per day" unit={['comment', 'comments']} series={dashboard.comments} />
        <DailyChart id="ratings-chart" title="Ratings per day" unit={['rating', 'ratings']} series={dashboard.ratings} />
      </div>
      <div class="dash-lists">
        <ArticleList
          id="top-rated"
          title="Top rated"
          note={`User score, among articles with at least ${TOP_RATED_MIN_RATINGS} ratings.`}
          articles={dashboard.topRated}
          empty={`No article has ${TOP_RATED_MIN_RATINGS} ratings yet.`}
          figure={(a) => `${formatScore(a.score)} · ${plural(a.ratingCount, 'rating', 'ratings')}`}
        />
        <ArticleList
          id="most-discussed"
          title="Most discussed"
          note="Published comments."
          articles={dashboard.mostDiscussed}
          empty="No published comments yet."
          figure={(a) => plural(a.commentCount, 'comment', 'comments')}
        />
      </div>
    </AdminLayout>
  );
}

const CHART = { width: 300, height: 80, gap: 2 };

export function DailyChart({ id, title, unit, series }: { id: string; title: string; unit: [string, string]; series: DailySeries }) {
  const { days, total } = series;
  const max = Math.max(1, ...days.map((d) => d.n));
  const busiest = days.reduce((best, d) => (d.n > best.n ? d : best), days[0]!);
  const bar = CHART.width / days.length;
  const first = days[0]!.day;
  const last = days[days.length - 1]!.day;
  const summary =
    `${title}, ${dayLabel(first)} to ${dayLabel(last)}: ${plural(total, unit[0], unit[1])} in total` +
    (total > 0 ? `; the busiest day was ${dayLabel(busiest.day)} with ${busiest.n}.` : '.');
  return (
    <section class="dash-chart" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <p class="chart-total">
        {plural(total, unit[0], unit[1])} in the last {days.length} days
      </p>
      <svg class="chart" id={id} role="img" aria-label={summary} width={CHART.width} height={CHART.height + 1} viewBox={`0 0 ${CHART.width} ${CHART.height + 1}`}>
        <title>{summary}</title>
        {days.map((d, i) => {
          if (d.n === 0) return null;
          const h = Math.max(2, Math.round((d.n / max) * CHART.height));
          return (
            <rect x={(i * bar + CHART.gap / 2).toFixed(1)} y={CHART.height - h} width={(bar - CHART.gap).toFixed(1)} height={h} fill="currentColor" data-day={d.day} data-n={d.n}>
              <title>{`${dayLabel(d.day)}: ${d.n}`}</title>
            </rect>
          );
        })}
        <line x1={0} y1={CHART.height + 0.5} x2={CHART.width} y2={CHART.height + 0.5} stroke="currentColor" stroke-width={1} opacity={0.4} />
      </svg>
      <p class="chart-axis" aria-hidden="true">
        <span>{dayLabel(first)}</span>
        <span>{dayLabel(last)}</span>
      </p>
      <details>
        <summary>
          Figures<span class="visually-hidden"> for {title.toLowerCase()}</span>
        </summary>
        <table class="data">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">{unit[1][0]!.toUpperCase() + unit[1].slice(1)}</th>
            </tr>
          </thead>
          <tbody>
            {[...days].reverse().map((d) => (
              <tr>
                <th scope="row">
                  <time dateTime={d.day}>{dayLabel(d.day)}</time>
                </th>
                <td>{d.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function ArticleList(props: { id: string; title: string; note: string; articles: ArticleFigure[]; empty: string; figure: (a: ArticleFigure) => string }) {
  const { id, title, note, articles, empty, figure } = props;
  return (
    <section class="dash-list" aria-labelledby={`${id}-heading`} id={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <p class="hint">{note}</p>
      {articles.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ol>
          {articles.map((a) => (
            <li>
              <a href={articlePath(a.slug)}>{a.title}</a> <span class="figure">{figure(a)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
