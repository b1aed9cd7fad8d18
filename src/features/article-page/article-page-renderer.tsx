// Renders article pages from four separately cached parts, each invalidated only by what
// changes it: the article itself (an edit), the Reviews widget (a rating), the comments
// (a published comment) and the structured data (any of these: it carries the score and the
// comment count). Every reader with nothing of their own on the page — the common case, decided
// by the caller without a database query — gets one shared document: assembled once per change,
// kept with its ETag and its brotli and gzip forms, the same bytes for everyone (so shared caches
// may keep it too). A reader whose only personal part is their rating gets a copy kept for that
// rating value, assembled the same way. Anything else personal (their held comments, a form sent
// back with errors, a reply target, comments they may still edit) takes the slower path that
// renders the forms (and, when needed, the thread) for them.
//
// Comments come a page of top-level threads at a time (comment-paging.ts): each page of each
// order is cached like the first, and a comment's publication drops every page of its article.
import { createCache } from '../../lib/cache.ts';
import { CompressedBody } from '../../lib/compressed-body.ts';
import type { EventBus } from '../../events.ts';
import { AppError, type FieldErrors } from '../../errors.ts';
import { renderFragment, renderPage } from '../../views/html.ts';
import type { LayoutContext } from '../../views/layout.tsx';
import { fillByteTemplate, nest, Slot, templatePieces, toByteTemplate, type ByteTemplate } from '../../views/slots.tsx';
import type { ArchiveService } from '../archives/archive.service.ts';
import type { PublicComment } from '../comments/comment.model.ts';
import { closedByAge, type CommentService, type ThreadPage } from '../comments/comment.service.ts';
import type { CommentOrder } from '../comments/comment-paging.ts';
import {
  CommentForm,
  CommentsSection,
  type CommentFormProps,
  type CommentFormValues,
  type CommentNotice,
} from '../comments/comment.views.tsx';
import type { RatingDetails, RatingService } from '../ratings/rating.service.ts';
import { RATING_BANDS } from '../ratings/rating-bands.ts';
import { RateForm, RatingWidget } from '../ratings/rating-widget.views.tsx';
import type { Settings } from '../settings/settings.service.ts';
import { articlePath, type Article } from '../articles/article.model.ts';
import { ArticlePage } from './article-page.views.tsx';
import type { ArticleService } from '../articles/article.service.ts';
import { articleStructuredData, StructuredData } from './structured-data.views.tsx';
import { logoOf, shareImageOf } from '../settings/site-images.ts';
import { EmbedFrame, embedPath } from '../embed/embed-frame.views.tsx';
import { SHARED_TOKEN_RENEW_MS } from '../spam/form-token.ts';

export type { CommentOrder };

/** Which comments the page shows: an order (the site's default when absent) and a page of threads. */
export interface CommentView {
  order?: CommentOrder;
  page: number;
}

/** The article page, or the embed's frame (the same widget, thread and forms, without the article). */
export type PageMode = 'page' | 'embed';

/** Where a mode's forms post (and come back to). */
export function threadPath(mode: PageMode, slug: string): string {
  return mode === 'embed' ? embedPath(slug) : articlePath(slug);
}

export interface ReaderView {
  /**
   * The reader, when they have acted on this article (their rating and held comments are looked up); null otherwise.
   */
  readerId: string | null;
  /** Their rating, when their marker cookie says it is all they have here: nothing is looked up. */
  ratingOnly?: number;
  replyTo?: number;
  /** A comment form sent back with errors, and the form token it was posted with. */
  commentForm?: { values: CommentFormValues; errors: FieldErrors; formToken?: string };
  rateError?: string;
  /** What became of the comment this reader just posted (the page after the form's redirect). */
  commentNotice?: CommentNotice;
}

export interface RenderedPage {
  article: Article;
  /** The shared document: the same for every reader without anything of their own here. */
  shared?: CompressedBody;
  /** With `shared` (or a copy kept per rating value): whether it is still the document served (edge/shared-fast-path.ts). */
  current?: () => boolean;
  /** A page rendered for this reader alone, or kept for every reader who gave this rating. */
  personal?: Buffer | CompressedBody;
}

export interface ArticlePageRenderer {
  /** Throws not_found for a comment page past the last. */
  render(slug: string, view: CommentView, reader: ReaderView, mode?: PageMode): Promise<RenderedPage>;
  /** The address of the page holding an approved comment, with its fragment; null when it is not public. */
  commentHref(article: Pick<Article, 'id' | 'slug'>, commentId: number): Promise<string | null>;
}

interface Thread {
  page: ByteTemplate;
  /** Pages of threads in all, for refusing a page past the last. */
  pages: number;
  /** Comments that can be replied to: id → author name. */
  replyable: Map<number, string>;
}

/** What the Reviews widget and the structured data show of an article's ratings and comments. */
interface Figures {
  rating: RatingDetails;
  commentCount: number;
}

/** How many of each part are kept: the most recently used. */
const CACHE_LIMIT = 500;
/** An article rated or commented on within this long is changing: its new pages are first sent as gzip joined from parts. */
const CHANGING_MS = 60_000;

/** A page assembled from the parts, kept with the shared form token's age it carries. */
interface Assembled {
  article: Article;
  body: CompressedBody;
  tokenAge: number;
}

export function createArticlePageRenderer(deps: {
  articles: ArticleService;
  ratings: RatingService;
  comments: CommentService;
  archives: ArchiveService;
  events: EventBus;
  layout: () => LayoutContext;
  scriptPath: string;
  /** The embed frame's script (the article script plus resizing). */
  embedScriptPath: string;
  /** Whether the comment form offers reply notifications (the site sends e-mail). */
  notifications?: { enabled: boolean };
}): ArticlePageRenderer {
  const { articles, ratings, comments, archives, events, layout, scriptPath, embedScriptPath } = deps;
  const offerReplies = deps.notifications?.enabled ?? false;
  // Parts are scoped by article id: a rating or a comment drops (and spoils the builds under way
  // of) that article's parts only. Skeletons and blank forms are dropped all at once.
  const cache = <K, V>() => createCache<K, V, number>({ maxEntries: CACHE_LIMIT });
  const skeletons = cache<string, { article: Article; page: ByteTemplate }>();
  const reviews = cache<number, ByteTemplate>();
  const threads = cache<string, Thread>();
  const structured = cache<number, ByteTemplate>();
  const assembled = cache<string, Assembled>();
  // The page of a reader whose only personal part is their rating: the shared page with their
  // value in the rate form, kept per value (at most 101 per page), dropped with the shared one.
  const rated = cache<string, Assembled>();
  const forms = cache<string, { rate: ByteTemplate; comment: ByteTemplate }>();
  // The article's rating and comment count as the widget and the structured data show them:
  // read once, then kept up to date by this instance's rating events, which carry the totals
  // (SQLite's write, PostgreSQL's fold), so the page rebuilt after a rating reads nothing. A
  // rating made elsewhere, a comment or an edit drops them (read again on the next build).
  const figures = cache<number, Figures>();
  // When each article was last rated or commented on (the most recent CACHE_LIMIT articles).
  const changedAt = new Map<number, number>();
  const changed = (articleId: number) => {
    changedAt.delete(articleId);
    changedAt.set(articleId, Date.now());
    if (changedAt.size > CACHE_LIMIT) changedAt.delete(changedAt.keys().next().value!);
  };
  const changing = (articleId: number) => Date.now() - (changedAt.get(articleId) ?? -Infinity) < CHANGING_MS;

  events.on('rating.changed', ({ articleId, score, count, bands }, { remote }) => {
    changed(articleId);
    const kept = remote || bands === undefined ? undefined : figures.get(articleId);
    figures.invalidate(articleId);
    if (kept) {
      const distribution = RATING_BANDS.map((band, i) => ({ ...band, count: bands![i] ?? 0 }));
      figures.set(articleId, { ...kept, rating: { score, count, distribution } }, articleId);
    }
    for (const part of [reviews, structured, assembled, rated]) part.invalidate(articleId);
  });
  events.on('comment.published', ({ articleId }) => {
    changed(articleId);
    for (const part of [figures, threads, structured, assembled, rated]) part.invalidate(articleId);
  });
  const clearAll = () => {
    for (const part of [skeletons, figures, reviews, threads, structured, assembled, rated, forms]) part.invalidate();
  };
  // Every skeleton lists related articles and the sections, which any article's change can
  // alter (a new one published, one withdrawn): all skeletons go, but only this article's
  // widget and thread. Edits are rare; ratings and comments stay per article.
  const dropPages = () => {
    for (const part of [skeletons, assembled, rated, forms]) part.invalidate();
  };
  events.on('article.changed', ({ articleId }) => {
    if (articleId === null) return clearAll();
    dropPages();
    for (const part of [figures, reviews, threads, structured]) part.invalidate(articleId);
  });
  // Settings shape every part (title, reply depth, rating scale); the service hands out a new
  // object on each change, so a change made anywhere (admin page, CLI) empties the caches. The
  // header's sections are reloaded after an article changes, possibly after a page was built
  // from the old list: a new list (a new array) drops the pages.
  let settingsSeen: Settings = layout().settings;
  let sectionsSeen = layout().sections;
  let pagesSeen = layout().pages;
  const checkSettings = () => {
    const context = layout();
    if (context.settings !== settingsSeen) {
      settingsSeen = context.settings;
      sectionsSeen = context.sections;
      pagesSeen = context.pages;
      clearAll();
    } else if (context.sections !== sectionsSeen || context.pages !== pagesSeen) {
      sectionsSeen = context.sections;
      pagesSeen = context.pages;
      dropPages();
    }
  };

  function skeleton(slug: string, mode: PageMode) {
    return skeletons.load(`${mode}:${slug}`, async () => {
      const article = await articles.getPublished(slug);
      const page = toByteTemplate(
        renderPage(
          mode === 'embed' ? (
            <EmbedFrame article={article} context={layout()} scriptPath={embedScriptPath}>
              <Slot name="reviews" />
              <Slot name="comments" />
            </EmbedFrame>
          ) : (
            <ArticlePage
              article={article}
              related={await archives.related(article)}
              context={layout()}
              scriptPath={scriptPath}
            >
              <Slot name="reviews" />
              <Slot name="comments" />
              <Slot name="structured-data" />
            </ArticlePage>
          ),
        ),
      );
      return { article, page };
    });
  }

  function figuresOf(articleId: number): Promise<Figures> {
    return figures.load(
      articleId,
      async () => {
        const [rating, live] = await Promise.all([ratings.details(articleId), articles.liveFigures(articleId)]);
        return { rating, commentCount: live.commentCount };
      },
      articleId,
    );
  }

  function reviewsOf(article: Article): Promise<ByteTemplate> {
    return reviews.load(
      article.id,
      async () => {
        const { rating } = await figuresOf(article.id);
        return toByteTemplate(
          renderFragment(
            <RatingWidget
              rating={rating}
              baselineCount={article.importedRatingCount}
              scale={layout().settings.ratingScale}
            />,
          ),
        );
      },
      article.id,
    );
  }

  /** The JSON-LD block, with the score and comment count as stored now (the skeleton's copy may predate them). */
  function structuredDataOf(article: Article): Promise<ByteTemplate> {
    return structured.load(
      article.id,
      async () => {
        const { rating, commentCount } = await figuresOf(article.id);
        const fresh = { ...article, rating: { score: rating.score, count: rating.count }, commentCount };
        const { settings, publicUrl } = layout();
        const site = {
          title: settings.siteTitle,
          publicUrl,
          logo: logoOf(settings),
          shareImage: shareImageOf(settings),
        };
        return toByteTemplate(renderFragment(<StructuredData data={articleStructuredData(fresh, site)} />));
      },
      article.id,
    );
  }

  /** `?cpage=N` (and `order=` when it is not the site's default), for links between comment pages. */
  function pageHref(order: CommentOrder, page: number, fragment: string): string {
    const params = new URLSearchParams();
    if (order !== layout().settings.commentOrder) params.set('order', order);
    if (page > 1) params.set('cpage', String(page));
    const query = params.toString();
    return `${query ? `?${query}` : '?'}#${fragment}`;
  }

  function renderThread(
    article: Article,
    threadPage: ThreadPage,
    order: CommentOrder,
    editable?: ReadonlySet<number>,
  ): Thread {
    const { replyDepth } = layout().settings;
    const replyable = new Map<number, string>();
    const walk = (nodes: PublicComment[], depth: number) => {
      for (const c of nodes) {
        if (depth + 1 < replyDepth) replyable.set(c.id, c.authorName);
        walk(c.replies, depth + 1);
      }
    };
    walk(threadPage.items, 0);
    const paging = {
      page: threadPage.page,
      pages: threadPage.pages,
      href: (n: number) => pageHref(order, n, 'comments'),
    };
    const options = { maxDepth: replyDepth, order, path: articlePath(article.slug), editable };
    const html = renderFragment(
      <CommentsSection comments={threadPage.items} count={threadPage.total} options={options} paging={paging} />,
      layout().settings.timeZone,
    );
    return { page: toByteTemplate(html), pages: threadPage.pages, replyable };
  }

  const perPage = () => layout().settings.commentsPerPage;
  const threadPageOf = (article: Article, order: CommentOrder, page: number) =>
    comments.threadPage(article.id, { order, page, perPage: perPage() });

  function threadOf(article: Article, order: CommentOrder, page: number): Promise<Thread> {
    const build = async () => renderThread(article, await threadPageOf(article, order, page), order);
    return threads.load(`${article.id}:${order}:${page}`, build, article.id);
  }

  const refusePastLast = (thread: Thread, page: number) => {
    if (page > thread.pages) throw new AppError('not_found', 'There is no such page of comments.');
  };

  const commentsOpen = (article: Article) =>
    article.commentsOpen && !closedByAge(article.publishedAt, layout().settings.commentsCloseAfterDays);

  /** Which shared form token a page carries now: it is renewed every SHARED_TOKEN_RENEW_MS. */
  const tokenAge = () => Math.floor(Date.now() / SHARED_TOKEN_RENEW_MS);

  /** The rate form, with the reader's rating (null: none) and the error of their last try. */
  function rateForm(article: Article, mode: PageMode, yourRating: number | null, error?: string): ByteTemplate {
    const action = `${threadPath(mode, article.slug)}/rating#rating`;
    return toByteTemplate(
      renderFragment(
        <RateForm action={action} scale={layout().settings.ratingScale} yourRating={yourRating} error={error} />,
      ),
    );
  }

  /** The comment form: blank with the shared token, or the reader's own (values, errors, reply target, notice). */
  function commentForm(
    article: Article,
    mode: PageMode,
    own: Pick<CommentFormProps, 'formToken'> &
      Partial<Pick<CommentFormProps, 'values' | 'errors' | 'replyTo' | 'notice'>>,
  ): ByteTemplate {
    const form = (
      <CommentForm
        action={`${threadPath(mode, article.slug)}/comments#respond`}
        formToken={own.formToken}
        values={own.values ?? {}}
        errors={own.errors ?? {}}
        replyTo={own.replyTo ?? null}
        open={commentsOpen(article)}
        offerReplies={offerReplies}
        notice={own.notice}
      />
    );
    return toByteTemplate(renderFragment(form, layout().settings.timeZone));
  }

  /**
   * The blank rate and comment forms with the shared form token. They change only with the
   * article, the settings, the comments closing with age, or the token's renewal (keys of their
   * own), not with each rating.
   */
  function blankForms(article: Article, mode: PageMode, age: number): { rate: ByteTemplate; comment: ByteTemplate } {
    const key = `${mode}:${article.id}:${commentsOpen(article)}:${age}`;
    const hit = forms.get(key);
    if (hit) return hit;
    const entry = {
      rate: rateForm(article, mode, null),
      comment: commentForm(article, mode, { formToken: comments.sharedFormToken(article.id) }),
    };
    forms.set(key, entry);
    return entry;
  }

  /**
   * The page as every reader without anything of their own sees it, or (with `yourRating`) as
   * every reader who gave that rating and has nothing else of their own here sees it.
   */
  async function assembledPage(
    slug: string,
    order: CommentOrder,
    commentPage: number,
    mode: PageMode,
    yourRating: number | null = null,
  ) {
    const pages = yourRating === null ? assembled : rated;
    const key = `${mode}:${order}:${commentPage}:${slug}${yourRating === null ? '' : `:${yourRating}`}`;
    const current = (body: CompressedBody) => () => {
      checkSettings();
      const kept = pages.get(key);
      return kept?.body === body && kept.tokenAge === tokenAge();
    };
    const hit = pages.get(key);
    if (hit && hit.tokenAge === tokenAge()) return { ...hit, current: current(hit.body) };
    const { article, page } = await skeleton(slug, mode);
    const entry = await pages.build(
      key,
      async (): Promise<Assembled> => {
        const age = tokenAge();
        const [reviewsPage, thread, structuredData] = await Promise.all([
          reviewsOf(article),
          threadOf(article, order, commentPage),
          structuredDataOf(article),
        ]);
        refusePastLast(thread, commentPage);
        const blank = blankForms(article, mode, age);
        const bytes = nest(page, {
          reviews: nest(reviewsPage, {
            'rate-form': yourRating === null ? blank.rate : rateForm(article, mode, yourRating),
          }),
          comments: nest(thread.page, { 'comment-form': blank.comment }),
          'structured-data': structuredData,
        });
        const body = new CompressedBody(templatePieces(bytes, {}), { changing: changing(article.id) });
        return { article, body, tokenAge: age };
      },
      article.id,
    );
    return { ...entry, current: current(entry.body) };
  }

  return {
    async render(slug, view, reader, mode = 'page') {
      checkSettings();
      const order = view.order ?? layout().settings.commentOrder;
      const commentPage = view.page;
      const { article, page } = await skeleton(slug, mode);
      const { readerId } = reader;
      const none = { pending: [], editable: new Set<number>() };
      const [yourRating, own] =
        reader.ratingOnly !== undefined
          ? [reader.ratingOnly, none]
          : readerId !== null
            ? await Promise.all([ratings.readerRating(article.id, readerId), comments.ownFor(article.id, readerId)])
            : [null, none];
      const ownThread = own.pending.length > 0 || own.editable.size > 0;
      const personal =
        yourRating !== null ||
        ownThread ||
        reader.replyTo !== undefined ||
        reader.commentForm !== undefined ||
        reader.rateError !== undefined ||
        reader.commentNotice !== undefined;
      if (!personal) {
        const { body, current } = await assembledPage(slug, order, commentPage, mode);
        return { shared: body, current, article };
      }
      // Only their rating is theirs: the comment form keeps the shared token, as on the shared
      // page (the page's script fetches a personal one when the form is first used).
      if (
        !ownThread &&
        reader.replyTo === undefined &&
        reader.commentForm === undefined &&
        reader.rateError === undefined &&
        reader.commentNotice === undefined
      ) {
        const { body, current } = await assembledPage(slug, order, commentPage, mode, yourRating);
        return { personal: body, current, article };
      }

      const [reviewsPage, structuredData, thread] = await Promise.all([
        reviewsOf(article),
        structuredDataOf(article),
        ownThread
          ? threadPageOf(article, order, commentPage).then((tp) =>
              renderThread(
                article,
                { ...tp, items: mergePending(tp.items, own.pending, commentPage === 1) },
                order,
                own.editable,
              ),
            )
          : threadOf(article, order, commentPage),
      ]);
      refusePastLast(thread, commentPage);
      const replyName = reader.replyTo === undefined ? undefined : thread.replyable.get(reader.replyTo);
      const comment = commentForm(article, mode, {
        formToken: comments.formToken(article.id, reader.commentForm?.formToken),
        values: reader.commentForm?.values,
        errors: reader.commentForm?.errors,
        replyTo: replyName !== undefined ? { id: reader.replyTo!, authorName: replyName } : null,
        notice: reader.commentNotice,
      });
      const personalPage = fillByteTemplate(
        nest(page, {
          reviews: nest(reviewsPage, { 'rate-form': rateForm(article, mode, yourRating, reader.rateError) }),
          comments: nest(thread.page, { 'comment-form': comment }),
          'structured-data': structuredData,
        }),
        {},
      );
      return { personal: personalPage, article };
    },

    async commentHref(article, commentId) {
      const order = layout().settings.commentOrder;
      const found = await comments.locate(article.id, commentId, { order, perPage: perPage() });
      if (found === null) return null;
      return `${articlePath(article.slug)}${pageHref(order, found, `comment-${commentId}`)}`.replace('?#', '#');
    },
  };
}

/**
 * Places the reader's own held comments in the page's threads: under their parent when it is on
 * this page; the others at the end of the first page (where posting a comment leads).
 */
function mergePending(thread: PublicComment[], pending: PublicComment[], firstPage: boolean): PublicComment[] {
  const copy = (c: PublicComment): PublicComment => ({ ...c, replies: c.replies.map(copy) });
  const roots = thread.map(copy);
  const byId = new Map<number, PublicComment>();
  const index = (list: PublicComment[]): void => {
    for (const c of list) {
      byId.set(c.id, c);
      index(c.replies);
    }
  };
  index(roots);
  for (const comment of pending) {
    const node = { ...comment, replies: [] };
    const parent = comment.parentId === null ? undefined : byId.get(comment.parentId);
    if (!parent && !firstPage) continue;
    (parent ? parent.replies : roots).push(node);
    byId.set(node.id, node);
  }
  return roots;
}
