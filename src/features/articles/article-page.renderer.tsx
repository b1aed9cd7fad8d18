// Renders article pages from four separately cached parts, each invalidated only by what
// changes it: the article itself (an edit), the Reviews widget (a rating), the comments
// (a published comment) and the structured data (any of these: it carries the score and the
// comment count). For a reader with nothing of their own on the page — the common
// case — the assembled page is kept as UTF-8 bytes with holes for the two form tokens, so
// serving it is a copy. Anything personal (their rating, their held comments, a form sent
// back with errors, a reply target) takes the slower path that renders the forms for them.
import { randomToken } from '../../lib/crypto.ts';
import type { EventBus } from '../../events.ts';
import type { FieldErrors } from '../../errors.ts';
import { renderFragment, renderPage } from '../../views/html.ts';
import type { LayoutContext } from '../../views/layout.tsx';
import { fillByteTemplate, nest, Slot, toByteTemplate, type ByteTemplate } from '../../views/slots.tsx';
import type { ArchiveService } from '../archives/archive.service.ts';
import type { PublicComment } from '../comments/comment.model.ts';
import { closedByAge, type CommentService } from '../comments/comment.service.ts';
import { CommentForm, CommentsSection, type CommentFormValues } from '../comments/comment.views.tsx';
import type { RatingService } from '../ratings/rating.service.ts';
import { RateForm, RatingWidget } from '../ratings/rating.widget.tsx';
import type { Settings } from '../settings/settings.service.ts';
import { articlePath, type Article } from './article.model.ts';
import { ArticlePage } from './article.page.tsx';
import type { ArticleService } from './article.service.ts';
import { articleStructuredData, StructuredData } from './article.structured-data.tsx';

export type CommentOrder = 'oldest' | 'newest';

export interface ReaderView {
  readerId: string;
  csrf: string;
  /** Whether the reader had a cookie before this request (a new reader has nothing stored). */
  known: boolean;
  replyTo?: number;
  /** A comment form sent back with errors, and the form token it was posted with. */
  commentForm?: { values: CommentFormValues; errors: FieldErrors; formToken?: string };
  rateError?: string;
}

export interface ArticlePageRenderer {
  render(slug: string, order: CommentOrder, reader: ReaderView): Promise<{ body: Buffer; article: Article }>;
}

interface Thread {
  page: ByteTemplate;
  /** Comments that can be replied to: id → author name. */
  replyable: Map<number, string>;
}

const CACHE_LIMIT = 500;
// Stand-ins for the per-request tokens in cached pages: random, so no content can contain them.
const MARK = `bs${randomToken(9).replace(/[^A-Za-z0-9]/g, 'x')}`;
const MARKERS = { csrf: `${MARK}csrf`, formToken: `${MARK}form` };

/** A Map that forgets its oldest entry beyond CACHE_LIMIT. */
function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value!);
  map.set(key, value);
}

export function createArticlePageRenderer(deps: {
  articles: ArticleService;
  ratings: RatingService;
  comments: CommentService;
  archives: ArchiveService;
  events: EventBus;
  layout: () => LayoutContext;
  scriptPath: string;
  /** Whether the comment form offers reply notifications (the site sends e-mail). */
  notifications?: { enabled: boolean };
}): ArticlePageRenderer {
  const { articles, ratings, comments, archives, events, layout, scriptPath } = deps;
  const offerReplies = deps.notifications?.enabled ?? false;
  const skeletons = new Map<string, { article: Article; page: ByteTemplate }>();
  const reviews = new Map<number, ByteTemplate>();
  const threads = new Map<string, Thread>();
  const structured = new Map<number, ByteTemplate>();
  const assembled = new Map<string, { article: Article; bytes: ByteTemplate }>();
  const forms = new Map<string, { rate: ByteTemplate; comment: ByteTemplate }>();

  // A part is cached only if nothing invalidated it while it was being built: `epoch` moves on
  // article edits and settings changes, an article's version on its ratings and comments.
  let epoch = 0;
  const versions = new Map<number, number>();
  const stamp = (articleId: number) => `${epoch}:${versions.get(articleId) ?? 0}`;
  const dropAssembled = (articleId: number) => {
    for (const [key, entry] of assembled) if (entry.article.id === articleId) assembled.delete(key);
  };
  const bump = (articleId: number) => versions.set(articleId, (versions.get(articleId) ?? 0) + 1);

  events.on('rating.changed', ({ articleId }) => {
    bump(articleId);
    reviews.delete(articleId);
    structured.delete(articleId);
    dropAssembled(articleId);
  });
  events.on('comment.published', ({ articleId }) => {
    bump(articleId);
    threads.delete(`${articleId}:oldest`);
    threads.delete(`${articleId}:newest`);
    structured.delete(articleId);
    dropAssembled(articleId);
  });
  const clearAll = () => {
    epoch++;
    for (const map of [skeletons, reviews, threads, structured, assembled, forms]) map.clear();
  };
  // Every skeleton lists related articles and the sections, which any article's change can
  // alter (a new one published, one withdrawn): all skeletons go, but only this article's
  // widget and thread. Edits are rare; ratings and comments stay per article.
  const dropPages = () => {
    epoch++;
    skeletons.clear();
    assembled.clear();
    forms.clear();
  };
  events.on('article.changed', ({ articleId }) => {
    if (articleId === null) return clearAll();
    dropPages();
    bump(articleId);
    reviews.delete(articleId);
    threads.delete(`${articleId}:oldest`);
    threads.delete(`${articleId}:newest`);
    structured.delete(articleId);
  });
  // Settings shape every part (title, reply depth, rating scale); the service hands out a new
  // object on each change, so a change made anywhere (admin page, CLI) empties the caches. The
  // header's sections are reloaded after an article changes, possibly after a page was built
  // from the old list: a new list (a new array) drops the pages.
  let settingsSeen: Settings = layout().settings;
  let sectionsSeen = layout().sections;
  const checkSettings = () => {
    const context = layout();
    if (context.settings !== settingsSeen) {
      settingsSeen = context.settings;
      sectionsSeen = context.sections;
      clearAll();
    } else if (context.sections !== sectionsSeen) {
      sectionsSeen = context.sections;
      dropPages();
    }
  };

  async function skeleton(slug: string) {
    const hit = skeletons.get(slug);
    if (hit) return hit;
    const startedAt = epoch;
    const article = await articles.getPublished(slug);
    const related = await archives.related(article);
    const page = toByteTemplate(
      renderPage(
        <ArticlePage article={article} related={related} context={layout()} scriptPath={scriptPath}>
          <Slot name="reviews" />
          <Slot name="comments" />
          <Slot name="structured-data" />
        </ArticlePage>,
      ),
    );
    const entry = { article, page };
    if (startedAt === epoch) boundedSet(skeletons, slug, entry);
    return entry;
  }

  async function reviewsOf(article: Article): Promise<ByteTemplate> {
    const hit = reviews.get(article.id);
    if (hit) return hit;
    const startedAt = stamp(article.id);
    const rating = await ratings.details(article.id);
    const page = toByteTemplate(renderFragment(<RatingWidget rating={rating} baselineCount={article.importedRatingCount} scale={layout().settings.ratingScale} />));
    if (startedAt === stamp(article.id)) boundedSet(reviews, article.id, page);
    return page;
  }

  /** The JSON-LD block, with the score and comment count as stored now (the skeleton's copy may predate them). */
  async function structuredDataOf(article: Article): Promise<ByteTemplate> {
    const hit = structured.get(article.id);
    if (hit) return hit;
    const startedAt = stamp(article.id);
    const fresh = { ...article, ...(await articles.liveFigures(article.id)) };
    const { settings, publicUrl } = layout();
    const page = toByteTemplate(renderFragment(<StructuredData data={articleStructuredData(fresh, { title: settings.siteTitle, publicUrl })} />));
    if (startedAt === stamp(article.id)) boundedSet(structured, article.id, page);
    return page;
  }

  function renderThread(list: PublicComment[], order: CommentOrder): Thread {
    const { replyDepth } = layout().settings;
    const replyable = new Map<number, string>();
    let published = 0;
    const walk = (nodes: PublicComment[], depth: number) => {
      for (const c of nodes) {
        if (c.status === 'approved') published++;
        if (depth + 1 < replyDepth) replyable.set(c.id, c.authorName);
        walk(c.replies, depth + 1);
      }
    };
    walk(list, 0);
    const html = renderFragment(<CommentsSection comments={list} count={published} options={{ maxDepth: replyDepth, order }} />);
    return { page: toByteTemplate(html), replyable };
  }

  async function threadOf(article: Article, order: CommentOrder): Promise<Thread> {
    const key = `${article.id}:${order}`;
    const hit = threads.get(key);
    if (hit) return hit;
    const startedAt = stamp(article.id);
    const thread = renderThread(await comments.thread(article.id, order), order);
    if (startedAt === stamp(article.id)) boundedSet(threads, key, thread);
    return thread;
  }

  const commentsOpen = (article: Article) => article.commentsOpen && !closedByAge(article.publishedAt, layout().settings.commentsCloseAfterDays);

  /**
   * The blank rate and comment forms, tokens left as holes. They change only with the article,
   * the settings, or the comments closing with age (a key of their own), not with each rating.
   */
  function blankForms(article: Article): { rate: ByteTemplate; comment: ByteTemplate } {
    const open = commentsOpen(article);
    const key = `${article.id}:${open}`;
    const hit = forms.get(key);
    if (hit) return hit;
    const path = articlePath(article.slug);
    const rate = renderFragment(<RateForm action={`${path}/rating#rating`} csrf={MARKERS.csrf} scale={layout().settings.ratingScale} yourRating={null} />);
    const comment = renderFragment(
      <CommentForm action={`${path}/comments#respond`} csrf={MARKERS.csrf} formToken={MARKERS.formToken} values={{}} errors={{}} replyTo={null} open={open} offerReplies={offerReplies} />,
    );
    const entry = { rate: toByteTemplate(rate, MARKERS), comment: toByteTemplate(comment, MARKERS) };
    boundedSet(forms, key, entry);
    return entry;
  }

  /** The page as every reader without anything of their own sees it, tokens left as holes. */
  async function assembledPage(slug: string, order: CommentOrder) {
    const key = `${order}:${slug}`;
    const hit = assembled.get(key);
    if (hit) return hit;
    const { article, page } = await skeleton(slug);
    const startedAt = stamp(article.id);
    const [reviewsPage, thread, structuredData] = await Promise.all([reviewsOf(article), threadOf(article, order), structuredDataOf(article)]);
    const blank = blankForms(article);
    const bytes = nest(page, {
      reviews: nest(reviewsPage, { 'rate-form': blank.rate }),
      comments: nest(thread.page, { 'comment-form': blank.comment }),
      'structured-data': structuredData,
    });
    const entry = { article, bytes };
    if (startedAt === stamp(article.id)) boundedSet(assembled, key, entry);
    return entry;
  }

  return {
    async render(slug, order, reader) {
      checkSettings();
      const { article, page } = await skeleton(slug);
      const [yourRating, pending] = reader.known
        ? await Promise.all([ratings.readerRating(article.id, reader.readerId), comments.pendingFor(article.id, reader.readerId)])
        : [null, []];
      const personal = yourRating !== null || pending.length > 0 || reader.replyTo !== undefined || reader.commentForm !== undefined || reader.rateError !== undefined;
      if (!personal) {
        const { bytes } = await assembledPage(slug, order);
        return { body: fillByteTemplate(bytes, { csrf: reader.csrf, formToken: comments.formToken(article.id) }), article };
      }

      const [reviewsPage, structuredData, thread] = await Promise.all([
        reviewsOf(article),
        structuredDataOf(article),
        pending.length > 0 ? comments.thread(article.id, order).then((list) => renderThread(mergePending(list, pending), order)) : threadOf(article, order),
      ]);
      const path = articlePath(article.slug);
      const settings = layout().settings;
      const replyName = reader.replyTo === undefined ? undefined : thread.replyable.get(reader.replyTo);
      const rateForm = <RateForm action={`${path}/rating#rating`} csrf={reader.csrf} scale={settings.ratingScale} yourRating={yourRating} error={reader.rateError} />;
      const commentForm = (
        <CommentForm
          action={`${path}/comments#respond`}
          csrf={reader.csrf}
          formToken={comments.formToken(article.id, reader.commentForm?.formToken)}
          values={reader.commentForm?.values ?? {}}
          errors={reader.commentForm?.errors ?? {}}
          replyTo={replyName !== undefined ? { id: reader.replyTo!, authorName: replyName } : null}
          open={commentsOpen(article)}
          offerReplies={offerReplies}
        />
      );
      const body = fillByteTemplate(
        nest(page, {
          reviews: nest(reviewsPage, { 'rate-form': toByteTemplate(renderFragment(rateForm)) }),
          comments: nest(thread.page, { 'comment-form': toByteTemplate(renderFragment(commentForm)) }),
          'structured-data': structuredData,
        }),
        {},
      );
      return { body, article };
    },
  };
}

/** Places the reader's own held comments in the thread: under their parent, or at the end. */
function mergePending(thread: PublicComment[], pending: PublicComment[]): PublicComment[] {
  const copy = (c: PublicComment): PublicComment => ({ ...c, replies: c.replies.map(copy) });
  const roots = thread.map(copy);
  const byId = new Map<number, PublicComment>();
  const index = (list: PublicComment[]) => list.forEach((c) => (byId.set(c.id, c), index(c.replies)));
  index(roots);
  for (const comment of pending) {
    const node = { ...comment, replies: [] };
    const parent = comment.parentId === null ? undefined : byId.get(comment.parentId);
    (parent ? parent.replies : roots).push(node);
    byId.set(node.id, node);
  }
  return roots;
}
