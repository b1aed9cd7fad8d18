// The pages behind the links in mail: each shows a button, and only the button's POST acts
// (mail scanners open links; a GET never changes anything).
import { Layout, type LayoutContext } from '../../views/layout.tsx';

export function LinkActionPage(props: {
  context: LayoutContext;
  title: string;
  message: string;
  /** The button's form; none when there is nothing left to do. */
  action?: { href: string; label: string };
}) {
  return (
    <Layout
      meta={{ title: props.title, path: '', head: <meta name="robots" content="noindex" /> }}
      context={props.context}
    >
      <section class="mail-link-page">
        <h1>{props.title}</h1>
        <p role="status">{props.message}</p>
        {props.action ? (
          <form method="post" action={props.action.href}>
            {/* The same body a mail program sends for one-click unsubscribe (RFC 8058). */}
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <button type="submit">{props.action.label}</button>
          </form>
        ) : null}
        <p>
          <a href="/">Go to the front page</a>
        </p>
      </section>
    </Layout>
  );
}
