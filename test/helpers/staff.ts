// Staff accounts for tests: create one and log in through the real login form.
import type { TestApp } from './test-app.ts';
import { Client } from './test-app.ts';
import type { Role } from '../../src/features/staff/staff.table.ts';
import { CLI_ACTOR } from '../../src/features/audit/audit.service.ts';

let n = 0;
export const STAFF_PASSWORD = 'correct horse battery staple';

export async function createStaff(app: TestApp, role: Role, email = `${role}${++n}@newsroom.example.org`) {
  const { user } = await app.services.staff.createUser(
    { email, role, password: STAFF_PASSWORD, displayName: `${role} ${n}` },
    CLI_ACTOR,
  );
  return user;
}

/** A client logged in as a new staff member of this role, with the CSRF token its admin forms carry. */
export async function loginAs(
  app: TestApp,
  role: Role,
): Promise<{ client: Client; csrf: string; user: Awaited<ReturnType<typeof createStaff>> }> {
  const user = await createStaff(app, role);
  const client = new Client(app.url);
  const login = await client.page('/admin/login');
  const response = await client.request('/admin/login', {
    method: 'POST',
    form: { _csrf: login.csrf, email: user.email, password: STAFF_PASSWORD },
  });
  if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
  const admin = await client.page('/admin');
  return { client, csrf: admin.csrf, user };
}
