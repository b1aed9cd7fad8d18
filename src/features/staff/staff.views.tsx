import type { FieldErrors } from '../../errors.ts';
import { AdminBareLayout, AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime } from '../../views/html.ts';
import type { LayoutContext } from '../../views/layout.tsx';
import { MIN_PASSWORD_LENGTH } from './password.ts';
import type { StaffUser } from './staff.service.ts';
import { ROLES } from './staff.table.ts';

export function FieldError({ field, errors }: { field: string; errors: FieldErrors }) {
  return errors[field] ? (
    <span class="field-error" id={`${field}-error`}>
      {errors[field]}
    </span>
  ) : null;
}

export function invalid(field: string, errors: FieldErrors) {
  return errors[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${field}-error` } : {};
}

export function LoginPage(props: {
  context: LayoutContext;
  csrf: string;
  email: string;
  error?: string;
  notice?: string;
  next: string;
  noStaff: boolean;
  canReset: boolean;
}) {
  const { context, csrf, email, error, notice, next, noStaff, canReset } = props;
  return (
    <AdminBareLayout title="Log in" context={context}>
      <h1>Log in</h1>
      {noStaff ? (
        <section class="notice" aria-labelledby="first-admin">
          <h2 id="first-admin">No staff account exists yet</h2>
          <p>
            Open the set-up link that <code>broadsheet serve</code> printed when it started, and create the first
            administrator there. Or create it on the server:
          </p>
          <pre>
            <code>broadsheet user add --email you@example.org --role admin --name "Your Name"</code>
          </pre>
          <p>It asks for a password (or prints a one-time password), then log in here.</p>
        </section>
      ) : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p class="error-summary" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action="/admin/login">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="next" value={next} />
        <p class="field">
          <label for="login-email">E-mail</label>
          <input id="login-email" name="email" type="email" autocomplete="username" required value={email} />
        </p>
        <p class="field">
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        </p>
        <button type="submit">Log in</button>
      </form>
      {canReset && !noStaff ? (
        <p>
          <a href="/admin/password-reset">Forgot your password?</a>
        </p>
      ) : null}
    </AdminBareLayout>
  );
}

export function PasswordPage({ frame, errors, forced }: { frame: AdminFrame; errors: FieldErrors; forced: boolean }) {
  return (
    <AdminLayout frame={frame} title="Change password" active="/admin/account/password">
      <h1>Change your password</h1>
      {forced ? (
        <p class="notice">You logged in with a one-time password. Choose your own before you continue.</p>
      ) : null}
      {Object.keys(errors).length > 0 ? (
        <p class="error-summary" role="alert">
          Your password was not changed. Please correct {Object.keys(errors).length === 1 ? 'the field' : 'the fields'}{' '}
          below.
        </p>
      ) : null}
      <form method="post" action="/admin/account/password" class="narrow-form">
        <input type="hidden" name="_csrf" value={frame.csrf} />
        <p class="field">
          <label for="current-password">Current password</label>
          <input
            id="current-password"
            name="currentPassword"
            type="password"
            autocomplete="current-password"
            required
            {...invalid('currentPassword', errors)}
          />
          <FieldError field="currentPassword" errors={errors} />
        </p>
        <p class="field">
          <label for="new-password">New password (at least {MIN_PASSWORD_LENGTH} characters)</label>
          <input
            id="new-password"
            name="newPassword"
            type="password"
            autocomplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
            {...invalid('newPassword', errors)}
          />
          <FieldError field="newPassword" errors={errors} />
        </p>
        <button type="submit">Change password</button>
      </form>
    </AdminLayout>
  );
}

export function UsersPage(props: {
  frame: AdminFrame;
  users: StaffUser[];
  errors: FieldErrors;
  values: Record<string, string>;
  created?: { email: string; password: string };
}) {
  const { frame, users, errors, values, created } = props;
  return (
    <AdminLayout frame={frame} title="Staff" active="/admin/users">
      <h1 id="staff-heading">Staff accounts</h1>
      {created ? (
        <p class="notice" role="status">
          Account created for {created.email}. One-time password: <code>{created.password}</code> — give it to them
          privately; they must change it when they first log in.
        </p>
      ) : null}
      <div class="table-scroll" role="region" aria-labelledby="staff-heading" tabIndex={0}>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Last login</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr>
                <td>
                  {user.displayName}
                  {user.disabled ? ' (disabled)' : ''}
                </td>
                <td>{user.email}</td>
                <td>{user.role}</td>
                <td class="nowrap">{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : 'never'}</td>
                <td>
                  <form method="post" action={`/admin/users/${user.id}`} class="inline-form">
                    <input type="hidden" name="_csrf" value={frame.csrf} />
                    <label class="visually-hidden" for={`role-${user.id}`}>
                      Role of {user.displayName}
                    </label>
                    <select id={`role-${user.id}`} name="role">
                      {ROLES.map((role) => (
                        <option value={role} selected={role === user.role}>
                          {role}
                        </option>
                      ))}
                    </select>{' '}
                    <label>
                      <input type="checkbox" name="disabled" value="1" checked={user.disabled} /> disabled
                      <span class="visually-hidden"> (account of {user.displayName})</span>
                    </label>{' '}
                    <button type="submit">
                      Save<span class="visually-hidden"> changes to {user.displayName}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Add a staff member</h2>
      {Object.keys(errors).length > 0 ? (
        <p class="error-summary" role="alert">
          The account was not created. Please correct the form below.
        </p>
      ) : null}
      <form method="post" action="/admin/users" class="narrow-form">
        <input type="hidden" name="_csrf" value={frame.csrf} />
        <p class="field">
          <label for="new-email">E-mail</label>
          <input
            id="new-email"
            name="email"
            type="email"
            required
            value={values.email ?? ''}
            {...invalid('email', errors)}
          />
          <FieldError field="email" errors={errors} />
        </p>
        <p class="field">
          <label for="new-name">Name (shown on bylines and staff replies)</label>
          <input
            id="new-name"
            name="displayName"
            type="text"
            required
            maxLength={100}
            value={values.displayName ?? ''}
            {...invalid('displayName', errors)}
          />
          <FieldError field="displayName" errors={errors} />
        </p>
        <p class="field">
          <label for="new-role">Role</label>
          <select id="new-role" name="role" {...invalid('role', errors)}>
            {ROLES.map((role) => (
              <option value={role} selected={role === (values.role ?? 'author')}>
                {role}
              </option>
            ))}
          </select>
          <FieldError field="role" errors={errors} />
        </p>
        <button type="submit">Create account with a one-time password</button>
      </form>
    </AdminLayout>
  );
}
