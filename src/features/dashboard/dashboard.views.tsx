// The dashboard: the queue's size, two small bar charts drawn on the server as SVG (sized and
// coloured with presentation attributes, since the CSP allows no inline styles), and two short
// lists of articles. Each chart is an image with a summary for screen readers and its figures
// in a table anyone can open.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import type { ComponentChildren } from 'preact';
import { formatDateTime, plural } from '../../views/html.ts';
import { articlePath } from '../articles/article.model.ts';
import { formatScore } from '../ratings/rating-widget.views.tsx';
import {
  TOP_RATED_MIN_RATINGS,
  type ArticleEntry,
  type ArticleFigure,
  type DailySeries,
  type Dashboard,
} from './dashboard.service.ts';

const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayLabel = (day: string) => SHORT_DAY.format(new Date(`${day}T00:00:00Z`));

export function DashboardPage(props: {
  frame: AdminFrame;
  dashboard: Dashboard;
  canModerate: boolean;
  canWrite: boolean;
  notice?: string;
}) {
  const { frame, dashboard, canModerate, canWrite, notice } = props;
  const { pending } = dashboard;
  const waiting = `${plural(pending.total, 'comment', 'comments')} awaiting moderation`;
  return (
    <AdminLayout frame={frame} title="Dashboard" active="/admin">
      <div class="articles-head">
        <h1>Dashboard</h1>
        {canWrite ? (
          <a class="new-article" href="/admin/articles/new">
            New article
          </a>
        ) : null}
      </div>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p>Welcome, {frame.session.user.displayName}.</p>
      <section class="dash-queue" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Moderation queue</h2>
        <p class="big-figure" data-pending-count={pending.total}>
          {canModerate ? <a href="/admin/comments?status=pending">{waiting}</a> : waiting}
        </p>
        <p class="dash-today" data-pending-today={pending.today}>
          {pending.today === 0 ? 'None of them arrived today.' : `${pending.today} arrived today.`}
        </p>
      </section>
      <div class="dash-charts">
        <DailyChart
          id="comments-chart"
          title="Comments per day"
          unit={['comment', 'comments']}
          series={dashboard.comments}
        />
        <DailyChart
          id="ratings-chart"
          title="Ratings per day"
          unit={['rating', 'ratings']}
          series={dashboard.ratings}
        />
      </div>
      <div class="dash-lists">
        {dashboard.drafts ? <DraftList drafts={dashboard.drafts} /> : null}
        {dashboard.scheduled ? (
          <EntryList
            id="scheduled"
            title="Scheduled"
            list={dashboard.scheduled}
            all={{ href: '/admin/articles?status=scheduled', label: 'All scheduled articles' }}
            empty="Nothing is scheduled."
            link={(a) => `/admin/articles/${a.id}/edit`}
            figure={(a) => (a.publishedAt ? <>for {formatDateTime(a.publishedAt)}</> : null)}
          />
        ) : null}
        <EntryList
          id="recent"
          title="Recently published"
          list={{ items: dashboard.recent, total: dashboard.recent.length }}
          empty="Nothing is published yet."
          link={(a) => articlePath(a.slug)}
          figure={(a) =>
            `${a.publishedAt ? formatDateTime(a.publishedAt) : ''} · ${formatScore(a.score)} · ` +
            `${plural(a.commentCount, 'comment', 'comments')}`
          }
        />
        <ArticleList
          id="most-discussed"
          title="Most discussed"
          note={`Published comments written in the last ${dashboard.comments.days.length} days.`}
          articles={dashboard.mostDiscussed}
          empty={`No published comments in the last ${dashboard.comments.days.length} days.`}
          figure={(a) =>
            plural((a as ArticleFigure & { recentComments: number }).recentComments, 'comment', 'comments')
          }
        />
        <ArticleList
          id="top-rated"
          title="Top rated"
          note={`User score, among articles with at least ${TOP_RATED_MIN_RATINGS} ratings.`}
          articles={dashboard.topRated}
          empty={`No article has ${TOP_RATED_MIN_RATINGS} ratings yet.`}
          figure={(a) => `${formatScore(a.score)} · ${plural(a.ratingCount, 'rating', 'ratings')}`}
        />
      </div>
    </AdminLayout>
  );
}

const STATUS_WORDS: Record<ArticleEntry['status'], string> = {
  draft: 'draft',
  review: 'awaiting review',
  scheduled: 'scheduled',
  published: 'published',
};

function DraftList({ drafts }: { drafts: { items: ArticleEntry[]; total: number } }) {
  return (
    <EntryList
      id="drafts"
      title="Drafts"
      list={drafts}
      all={{ href: '/admin/articles?status=draft', label: 'All drafts' }}
      extra={<a href="/admin/articles?status=review">Awaiting review</a>}
      empty="No drafts."
      link={(a) => `/admin/articles/${a.id}/edit`}
      figure={(a) => `${STATUS_WORDS[a.status]} · saved ${formatDateTime(a.updatedAt)}`}
    />
  );
}

function EntryList(props: {
  id: string;
  title: string;
  list: { items: ArticleEntry[]; total: number };
  all?: { href: string; label: string };
  extra?: ComponentChildren;
  empty: string;
  link: (a: ArticleEntry) => string;
  figure: (a: ArticleEntry) => ComponentChildren;
}) {
  const { id, title, list, all, extra, empty, link, figure } = props;
  return (
    <section class="dash-list" aria-labelledby={`${id}-heading`} id={id}>
      <h2 id={`${id}-heading`}>
        {title}
        {all ? <span class="dash-count"> ({list.total})</span> : null}
      </h2>
      {list.items.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul>
          {list.items.map((a) => (
            <li>
              <a href={link(a)}>{a.title}</a> <span class="figure">{figure(a)}</span>
            </li>
          ))}
        </ul>
      )}
      {all && list.total > 0 ? (
        <p class="dash-more">
          <a href={all.href}>{all.label}</a>
          {extra ? <> · {extra}</> : null}
        </p>
      ) : null}
    </section>
  );
}

// Wide enough for a value above each of 30 bars; the SVG scales down with its box.
const CHART = { width: 600, height: 100, top: 14, gap: 4 };

export function DailyChart({
  id,
  title,
  unit,
  series,
}: {
  id: string;
  title: string;
  unit: [string, string];
  series: DailySeries;
}) {
  const { days, total } = series;
  const max = Math.max(1, ...days.map((d) => d.n));
  const busiest = days.reduce((best, d) => (d.n > best.n ? d : best), days[0]!);
  const bar = CHART.width / days.length;
  const first = days[0]!.day;
  const middle = days[Math.floor(days.length / 2)]!.day;
  const last = days[days.length - 1]!.day;
  const base = CHART.top + CHART.height;
  const summary =
    `${title}, ${dayLabel(first)} to ${dayLabel(last)}: ${plural(total, unit[0], unit[1])} in total` +
    (total > 0 ? `; the busiest day was ${dayLabel(busiest.day)} with ${busiest.n}.` : '.');
  return (
    <section class="dash-chart" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <p class="chart-total">
        {plural(total, unit[0], unit[1])} in the last {days.length} days
      </p>
      <svg
        class="chart"
        id={id}
        role="img"
        aria-label={summary}
        width={CHART.width}
        height={base + 1}
        viewBox={`0 0 ${CHART.width} ${base + 1}`}
      >
        <title>{summary}</title>
        {days.map((d, i) => {
          if (d.n === 0) return null;
          const h = Math.max(2, Math.round((d.n / max) * CHART.height));
          const x = i * bar + CHART.gap / 2;
          // Each bar carries its value above it, so no figure hides behind a hover.
          return (
            <g>
              <rect
                x={x.toFixed(1)}
                y={base - h}
                width={(bar - CHART.gap).toFixed(1)}
                height={h}
                fill="currentColor"
                data-day={d.day}
                data-n={d.n}
              >
                <title>{`${dayLabel(d.day)}: ${d.n}`}</title>
              </rect>
              <text
                class="chart-value"
                x={(x + (bar - CHART.gap) / 2).toFixed(1)}
                y={base - h - 3}
                text-anchor="middle"
                font-size={11}
                fill="currentColor"
              >
                {d.n}
              </text>
            </g>
          );
        })}
        <line
          x1={0}
          y1={base + 0.5}
          x2={CHART.width}
          y2={base + 0.5}
          stroke="currentColor"
          stroke-width={1}
          opacity={0.4}
        />
      </svg>
      <p class="chart-axis" aria-hidden="true">
        <span>{dayLabel(first)}</span>
        <span>{dayLabel(middle)}</span>
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

function ArticleList(props: {
  id: string;
  title: string;
  note: string;
  articles: ArticleFigure[];
  empty: string;
  figure: (a: ArticleFigure) => string;
}) {
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
