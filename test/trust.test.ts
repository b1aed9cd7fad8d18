// Trust that cannot be borrowed: an approved commenter's address alone publishes nobody, a reader
// cannot pass for staff, and a stranger's guesses cannot lock a staff member out.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, MAX_FAILURES_PER_ADDRESS } from '../src/features/staff/staff.service.ts';
import {
  holdBorrowedAddress,
  holdFirstTime,
  holdStaffIdentity,
  moderate,
} from '../src/features/comments/moderation.steps.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { postCommentJson } from './helpers/broadsheet.ts';
import { createStaff, loginAs, STAFF_PASSWORD } from './helpers/staff.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;

describe('moderation steps for borrowed identities', () => {
  it('an address with approved comments, from another reader, is held with its own reason', () => {
    const decision = moderate({ policy: 'hold-first-time', knownAuthor: false, borrowedAddress: true }, [
      holdBorrowedAddress,
      holdFirstTime,
    ]);
    assert.equal(decision.step, 'unproven-address');
    assert.match(decision.reason, /another browser/);
    assert.equal(
      moderate({ policy: 'hold-first-time', knownAuthor: true, borrowedAddress: false }, [
        holdBorrowedAddress,
        holdFirstTime,
      ]).status,
      'approved',
    );
  });

  it("a staff member's e-mail or name is held under every policy", () => {
    for (const policy of ['publish', 'hold-first-time', 'hold-all'] as const) {
      assert.equal(
        moderate({ policy, knownAuthor: true, staffIdentity: 'email' }, [holdStaffIdentity]).status,
        'pending',
      );
    }
    assert.match(
      moderate({ policy: 'publish', knownAuthor: true, staffIdentity: 'name' }, [holdStaffIdentity]).reason,
      /staff member's name/,
    );
  });
});

describe('trust comes from the reader, not the address', () => {
  let app: TestApp;
  let article: Article;

  async function post(client: Client, input: Record<string, unknown>): Promise<{ id: number; status: string }> {
    const response = await postCommentJson(client, article, input);
    const text = await response.text();
    assert.equal(response.status, 201, text);
    return JSON.parse(text) as { id: number; status: string };
  }

  async function heldReason(id: number): Promise<string | null> {
    const row = await app.services.db
      .selectFrom('comments')
      .select('held_reason')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.held_reason;
  }

  before(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => {
    await app.services.settings.update({ commentPolicy: 'hold-first-time' });
    article = await createArticle(app.services);
  });
  after(() => app.close());

  it(
    "someone else typing a regular's address (any case, spaces) is held, and told no more than a " + 'newcomer',
    async () => {
      const regular = new Client(app.url);
      const first = await post(regular, commentInput({ authorName: 'Regular Rita', authorEmail: 'rita@example.org' }));
      await app.services.comments.setStatus([first.id], 'approved');

      const impostor = new Client(app.url);
      const borrowed = await post(
        impostor,
        commentInput({ authorName: 'Regular Rita', authorEmail: '  RITA@Example.ORG ', body: 'Not really Rita.' }),
      );
      const newcomer = await post(new Client(app.url), commentInput({ authorEmail: 'new@example.org' }));
      assert.equal(borrowed.status, 'pending');
      // The answer has the same shape and status as a first-timer's: it says nothing about the address.
      assert.deepEqual(Object.keys(borrowed).sort(), Object.keys(newcomer).sort());
      assert.equal(newcomer.status, borrowed.status);
      assert.match((await heldReason(borrowed.id))!, /^unproven-address: .*another browser/);
      assert.doesNotMatch(
        textOf((await new Client(app.url).page(`/articles/${article.slug}`)).html),
        /Not really Rita/,
      );

      // The reader whose cookie earned the approval is still published at once, in any case.
      const again = await post(
        regular,
        commentInput({ authorName: 'Regular Rita', authorEmail: 'Rita@Example.org', body: 'Really Rita.' }),
      );
      assert.equal(again.status, 'approved');
    },
  );

  it("a reader typing a staff member's e-mail or name is held and never shown as staff", async () => {
    await app.services.settings.update({ commentPolicy: 'publish' });
    const editor = await createStaff(app, 'editor');
    const byEmail = await post(
      new Client(app.url),
      commentInput({ authorName: 'Someone', authorEmail: editor.email.toUpperCase() }),
    );
    const byName = await post(
      new Client(app.url),
      commentInput({ authorName: ` ${editor.displayName.toUpperCase()} `, authorEmail: 'lookalike@example.org' }),
    );
    assert.equal(byEmail.status, 'pending');
    assert.equal(byName.status, 'pending');
    assert.match((await heldReason(byEmail.id))!, /^staff-identity: .*e-mail address/);
    assert.match((await heldReason(byName.id))!, /^staff-identity: .*name/);

    // Approved by a moderator, the reader's comment is still a reader's.
    await app.services.comments.setStatus([byName.id], 'approved');
    const html = (await new Client(app.url).page(`/articles/${article.slug}`)).html;
    assert.match(html, new RegExp(`id="comment-${byName.id}"`));
    assert.doesNotMatch(html, /class="staff-mark"/);
    const api = (await (await fetch(`${app.url}/api/v1/articles/${article.id}/comments`)).json()) as {
      items: { id: number; staffRole: string | null }[];
    };
    assert.equal(api.items.find((c) => c.id === byName.id)?.staffRole, null);
  });

  it('a staff reply from the admin carries a visible Staff mark with role and name', async () => {
    await app.services.settings.update({ commentPolicy: 'publish' });
    const parent = await post(new Client(app.url), commentInput({ body: 'A question for the newsroom.' }));
    const { client, csrf, user } = await loginAs(app, 'moderator');
    const response = await client.request(`/admin/comments/${parent.id}/reply`, {
      method: 'POST',
      form: { _csrf: csrf, body: 'An answer from us.', return: '/admin/comments' },
    });
    assert.equal(response.status, 303);
    const html = (await new Client(app.url).page(`/articles/${article.slug}`)).html;
    const item = /<li id="comment-(\d+)"[^>]*>(?:(?!<\/li>)[\s\S])*An answer from us[\s\S]*?<\/li>/.exec(
      html.slice(html.indexOf(`id="comment-${parent.id}"`) + 10),
    );
    assert.ok(item, 'the reply is on the page');
    assert.match(textOf(item[0]), new RegExp(`${user.displayName} Staff\\W+Moderator`));
    const api = (await (await fetch(`${app.url}/api/v1/articles/${article.id}/comments`)).json()) as {
      items: { id: number; replies: { staffRole: string | null; authorName: string }[] }[];
    };
    const reply = api.items.find((c) => c.id === parent.id)!.replies[0]!;
    assert.deepEqual([reply.authorName, reply.staffRole], [user.displayName, 'moderator']);
  });
});

describe('login throttling that a stranger cannot turn against staff', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const login = (email: string, password: string, ipHash: string) =>
    app.services.staff.login({ email, password, ipHash, userAgent: 'test' });

  it("wrong passwords from one address do not lock the account for the editor's own address", async () => {
    const user = await createStaff(app, 'editor');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++)
      await assert.rejects(login(user.email, 'wrong password here', 'attacker'), { code: 'login_failed' });
    // The guesser is throttled on this account...
    await assert.rejects(login(user.email, STAFF_PASSWORD, 'attacker'), { code: 'login_throttled' });
    // ...the editor, from an address with no failures, is not.
    const { session } = await login(user.email, STAFF_PASSWORD, 'editor-desk');
    assert.equal(session.user.id, user.id);
  });

  it(
    'guesses spread over many addresses meet the slower per-account limit, which still lets a ' + 'clean address in',
    async () => {
      const user = await createStaff(app, 'admin');
      let throttled = 0;
      // Each address stays under its own limits; the account's limit is reached after enough of them.
      for (let i = 0; i < 30 && throttled === 0; i++) {
        for (let j = 0; j < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1; j++) {
          await login(user.email, 'wrong password here', `botnet-${i}`).catch((error: { code: string }) => {
            if (error.code === 'login_throttled') throttled++;
            else assert.equal(error.code, 'login_failed');
          });
        }
      }
      assert.ok(throttled > 0, 'the account limit stops spread-out guessing');
      await assert.rejects(login(user.email, STAFF_PASSWORD, 'botnet-0'), { code: 'login_throttled' });
      const { session } = await login(user.email, STAFF_PASSWORD, 'editor-home');
      assert.equal(session.user.id, user.id);
    },
  );

  it('one address guessing at many accounts is still stopped', async () => {
    const user = await createStaff(app, 'author');
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++)
      await assert.rejects(login(`nobody${i}@example.org`, 'wrong password here', 'scanner'), { code: 'login_failed' });
    await assert.rejects(login(user.email, STAFF_PASSWORD, 'scanner'), { code: 'login_throttled' });
  });

  it('the login form: a stranger’s failures leave the right password working from another client address', async () => {
    const proxied = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    try {
      const user = await createStaff(proxied, 'editor');
      const submit = async (ip: string, password: string) => {
        const client = new Client(proxied.url, { 'x-forwarded-for': ip });
        const { csrf } = await client.page('/admin/login');
        return (
          await client.request('/admin/login', { method: 'POST', form: { _csrf: csrf, email: user.email, password } })
        ).status;
      };
      for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++)
        assert.equal(await submit('198.51.100.7', 'wrong password here'), 401);
      assert.equal(await submit('198.51.100.7', STAFF_PASSWORD), 429);
      assert.equal(await submit('203.0.113.20', STAFF_PASSWORD), 303);
    } finally {
      await proxied.close();
    }
  });
});
