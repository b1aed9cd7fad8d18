// The pages behind single-use staff links: creating the first admin, asking for a reset link, and
// choosing a new password. Public pages (no session yet), so their forms carry the reader token.
import type { FieldErrors } from '../../errors.ts';
import { AdminBareLayout } from '../../views/admin-layout.tsx';
import type { LayoutContext } from '../../views/layout.tsx';
import { MIN_PASSWORD_LENGTH } from './password.ts';
import { FieldError, invalid } from './staff.views.tsx';

function ErrorSummary({ errors, what }: { errors: FieldErrors; what: string }) {
  const count = Object.keys(errors).length;
  return count > 0 ? (
    <p class="error-summary" role="alert">
      {errors._form ?? `${what} Please correct ${count === 1 ? 'the field' : 'the fields'} below.`}
    </p>
  ) : null;
}

export function SetupPage(props: {
  context: LayoutContext;
  csrf: string;
  token: string;
  values: { email: string; displayName: string };
  errors: FieldErrors;
}) {
  const { context, csrf, token, values, errors } = props;
  return (
    <AdminBareLayout title="Create the first administrator" context={context}>
      <h1>Create the first administrator</h1>
      <p>
        This link was printed by the server because {context.settings.siteTitle} has no administrator yet. It works
        once: the account you create here can then add the rest of the staff.
      </p>
      <ErrorSummary errors={errors} what="The account was not created." />
      <form method="post" action={`/admin/setup/${token}`} class="narrow-form">
        <input type="hidden" name="_csrf" value={csrf} />
        <p class="field">
          <label for="setup-name">Your name (shown on bylines and staff replies)</label>
          <input
            id="setup-name"
            name="displayName"
            type="text"
            autocomplete="name"
            required
            maxLength={100}
            value={values.displayName}
            {...invalid('displayName', errors)}
          />
          <FieldError field="displayName" errors={errors} />
        </p>
        <p class="field">
          <label for="setup-email">E-mail</label>
          <input
            id="setup-email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={values.email}
            {...invalid('email', errors)}
          />
          <FieldError field="email" errors={errors} />
        </p>
        <p class="field">
          <label for="setup-password">Password (at least {MIN_PASSWORD_LENGTH} characters)</label>
          <input
            id="setup-password"
            name="password"
            type="password"
            autocomplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
            {...invalid('password', errors)}
          />
          <FieldError field="password" errors={errors} />
        </p>
        <button type="submit">Create the administrator and log in</button>
      </form>
    </AdminBareLayout>
  );
}

export function ResetRequestPage(props: {
  context: LayoutContext;
  csrf: string;
  email: string;
  sent: boolean;
  mailEnabled: boolean;
  error?: string;
}) {
  const { context, csrf, email, sent, mailEnabled, error } = props;
  return (
    <AdminBareLayout title="Forgot your password" context={context}>
      <h1>Forgot your password?</h1>
      {!mailEnabled ? (
        <p>
          This site does not send e-mail, so it cannot send you a link. Ask an administrator to create a new account for
          you.
        </p>
      ) : sent ? (
        <p class="notice" role="status">
          If that address belongs to a staff account, a link to choose a new password is on its way. It works once,
          within the hour. Check your spam folder if it does not arrive.
        </p>
      ) : (
        <>
          <p>Enter your account’s e-mail address, and we will send you a link to choose a new password.</p>
          {error ? (
            <p class="error-summary" role="alert">
              {error}
            </p>
          ) : null}
          <form method="post" action="/admin/password-reset" class="narrow-form">
            <input type="hidden" name="_csrf" value={csrf} />
            <p class="field">
              <label for="reset-email">E-mail</label>
              <input
                id="reset-email"
                name="email"
                type="email"
                autocomplete="username"
                required
                value={email}
                {...(error ? { 'aria-invalid': true as const } : {})}
              />
            </p>
            <button type="submit">Send me a link</button>
          </form>
        </>
      )}
      <p>
        <a href="/admin/login">Back to the login</a>
      </p>
    </AdminBareLayout>
  );
}

export function ResetPage(props: {
  context: LayoutContext;
  csrf: string;
  token: string;
  email: string;
  errors: FieldErrors;
}) {
  const { context, csrf, token, email, errors } = props;
  return (
    <AdminBareLayout title="Choose a new password" context={context}>
      <h1>Choose a new password</h1>
      <p>For {email}. Every session of this account is ended, so you log in again everywhere with the new password.</p>
      <ErrorSummary errors={errors} what="Your password was not changed." />
      <form method="post" action={`/admin/password-reset/${token}`} class="narrow-form">
        <input type="hidden" name="_csrf" value={csrf} />
        <p class="field">
          <label for="reset-password">New password (at least {MIN_PASSWORD_LENGTH} characters)</label>
          <input
            id="reset-password"
            name="password"
            type="password"
            autocomplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
            {...invalid('password', errors)}
          />
          <FieldError field="password" errors={errors} />
        </p>
        <button type="submit">Set the new password</button>
      </form>
    </AdminBareLayout>
  );
}
