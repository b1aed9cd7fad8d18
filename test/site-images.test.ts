// The site's logo, favicon and default share image as an admin sets them and a reader (or a
// link preview, or a search engine) meets them: /favicon.ico always answers with an icon, the
// logo replaces the title in the header, pages without a picture are shared with the default one.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { articlePath } from '../src/features/articles/article.model.ts';
import { mediaFile, parseImage } from '../src/features/media/featured-image.ts';
import { createArticle } from './helpers/factories.ts';
import { attachImage, pngImage } from './helpers/images.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';

type Staff = Awaited<ReturnType<typeof loginAs>>;

/** The images an ICO file holds: each entry's size and that its data is a PNG. */
function icoEntries(data: Buffer): { size: number; png: boolean }[] {
  assert.deepEqual([data.readUInt16LE(0), data.readUInt16LE(2)], [0, 1], 'an ICO header');
  return Array.from({ length: data.readUInt16LE(4) }, (_, i) => {
    const entry = 6 + 16 * i;
    const offset = data.readUInt32LE(entry + 12);
    return {
      size: data.readUInt8(entry) || 256,
      png: data.subarray(offset, offset + 4).toString('latin1') === '\x89PNG',
    };
  });
}

/** The colour at the middle of the ICO's largest (48 px) image. */
async function iconCentre(ico: Buffer): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(ico.subarray(ico.readUInt32LE(6 + 16 * 2 + 12)))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * 4;
  return { r: data[at]!, g: data[at + 1]!, b: data[at + 2]! };
}

function metaContent(html: string, property: string): string | undefined {
  return new RegExp(`<meta property="${property}" content="([^"]*)"`).exec(html)?.[1];
}

function jsonLd(html: string): { '@graph': Record<string, any>[] } {
  const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(json, 'the page has JSON-LD');
  return JSON.parse(json);
}

describe('the site’s logo, favicon and share image', () => {
  let app: TestApp;
  let admin: Staff;
  const reader = () => new Client(app.url);

  before(async () => {
    app = await startTestApp();
    admin = await loginAs(app, 'admin');
  });
  after(() => app.close());

  function upload(staff: Staff, slot: string, file?: { data: Buffer; name: string; type: string }): Promise<Response> {
    const body = new FormData();
    body.set('_csrf', staff.csrf);
    if (file) body.set('image', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    return staff.client.request(`/admin/settings/images/${slot}`, { method: 'POST', body });
  }
  const png = async (width: number, height: number, color?: string) => ({
    data: await pngImage(width, height, color),
    name: 'picture.png',
    type: 'image/png',
  });

  async function favicon(): Promise<Buffer> {
    const response = await fetch(`${app.url}/favicon.ico`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/x-icon');
    return Buffer.from(await response.arrayBuffer());
  }

  it('serves a built-in favicon before anything is uploaded, linked from every page', async () => {
    const ico = await favicon();
    assert.deepEqual(
      icoEntries(ico),
      [16, 32, 48].map((size) => ({ size, png: true })),
    );
    const touch = await fetch(`${app.url}/apple-touch-icon.png`);
    assert.equal(touch.status, 200);
    assert.deepEqual(
      await sharp(Buffer.from(await touch.arrayBuffer()))
        .metadata()
        .then((m) => [m.format, m.width, m.height]),
      ['png', 180, 180],
    );
    const { html } = await reader().page('/');
    assert.match(html, /<link rel="icon" href="\/favicon.ico\?v=builtin" sizes="16x16 32x32 48x48"\/>/);
    assert.match(html, /<link rel="apple-touch-icon" href="\/apple-touch-icon.png\?v=builtin"\/>/);
    assert.match(html, /<a class="site-title" href="\/">Broadsheet<\/a>/, 'without a logo the header shows the title');
  });

  it(
    'an admin uploads a logo: the header shows it, named by the site title, and the favicon is ' + 'made from it',
    async () => {
      const before = await favicon();
      const response = await upload(admin, 'siteLogo', await png(800, 200, '#1d3557'));
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/admin/settings?saved=1#siteLogo');
      const key = app.services.settings.get().siteLogo;
      const logo = parseImage(key, '')!;
      assert.ok(logo, 'the logo is stored');

      const { html } = await reader().page('/');
      const img = /<a class="site-title site-logo" href="\/"><img ([^>]*)\/?><\/a>/.exec(html)?.[1];
      assert.ok(img, 'the header links the logo to the front page');
      assert.match(img, /alt="Broadsheet"/);
      assert.match(img, /width="800" height="200"/, 'its box is reserved');
      assert.match(img, /sizes="192px"/, 'shown 48 px tall, so 192 px wide');
      const src = /src="([^"]+)"/.exec(img)![1]!;
      const file = await fetch(app.url + src);
      assert.equal(file.status, 200);
      assert.equal(file.headers.get('content-type'), 'image/webp');

      assert.match(
        html,
        new RegExp(`<link rel="icon" href="/favicon.ico\\?v=${key.slice(0, 8)}"`),
        'pages link the new icon',
      );
      const after = await favicon();
      assert.notDeepEqual(after, before, 'the favicon is now the logo');
      assert.deepEqual(
        icoEntries(after).map((e) => e.size),
        [16, 32, 48],
      );
      const centre = await iconCentre(after);
      assert.ok(centre.b > centre.r, `in the logo’s colours: ${JSON.stringify(centre)}`);

      const audit = await app.services.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'settings.update')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.match(String(audit.details), /siteLogo/, 'the change is in the audit log');
    },
  );

  it('a favicon of its own replaces the one made from the logo', async () => {
    const fromLogo = await favicon();
    assert.equal((await upload(admin, 'siteIcon', await png(256, 256, '#2a9d8f'))).status, 303);
    const own = await favicon();
    assert.notDeepEqual(own, fromLogo);
    const centre = await iconCentre(own);
    assert.ok(centre.g > centre.r, `in the icon’s colours: ${JSON.stringify(centre)}`);
  });

  it(
    'pages without a picture are shared with the default image; articles keep their own; JSON-LD ' + 'names the logo',
    async () => {
      const plain = await createArticle(app.services, { title: 'A story without a picture' });
      const pictured = await createArticle(app.services, { title: 'A story with a picture' });
      await attachImage(app.services, pictured.id, 0, 'A harbour wall');
      assert.equal(
        metaContent((await reader().page(articlePath(plain.slug))).html, 'og:image'),
        undefined,
        'no default image yet',
      );

      assert.equal((await upload(admin, 'shareImage', await png(1200, 630, '#e9c46a'))).status, 303);
      const share = parseImage(app.services.settings.get().shareImage, '')!;
      const shareUrl = `${app.services.config.publicUrl}/media/${mediaFile(share.key, 1200)}`;

      for (const path of ['/', articlePath(plain.slug)]) {
        const { html } = await reader().page(path);
        assert.equal(metaContent(html, 'og:image'), shareUrl, `${path}: og:image is the default image`);
        assert.equal(metaContent(html, 'og:image:width'), '1200');
        assert.match(html, /<meta name="twitter:card" content="summary_large_image"\/>/);
      }
      const plainLd = jsonLd((await reader().page(articlePath(plain.slug))).html)['@graph'][0]!;
      assert.ok((plainLd.image as string[]).includes(shareUrl), 'JSON-LD image falls back on the default image');
      const logo = parseImage(app.services.settings.get().siteLogo, '')!;
      assert.deepEqual(plainLd.publisher.logo, {
        '@type': 'ImageObject',
        url: `${app.services.config.publicUrl}/media/${mediaFile(logo.key, 800)}`,
        width: 800,
        height: 200,
      });

      const { html } = await reader().page(articlePath(pictured.slug));
      assert.notEqual(metaContent(html, 'og:image'), shareUrl, 'an article with a picture is shared with it');
      assert.match(metaContent(html, 'og:image')!, /\/media\/[a-z0-9]{16}_1500x1000-1500\.webp$/);
      assert.ok(!(jsonLd(html)['@graph'][0]!.image as string[]).includes(shareUrl));
    },
  );

  it(
    'refuses what is not an image, or no file, with the message beside the field, and keeps the ' + 'current image',
    async () => {
      const current = app.services.settings.get().siteLogo;
      const text = await upload(admin, 'siteLogo', {
        data: Buffer.from('not a picture at all'),
        name: 'logo.png',
        type: 'image/png',
      });
      assert.equal(text.status, 415);
      const html = await text.text();
      assert.match(
        html,
        /<span class="field-error" id="siteLogo-error">That file is not an image we can use\. Choose a JPEG, PNG, WebP or GIF\.<\/span>/,
      );
      assert.match(html, /id="setting-siteLogo"[^>]*aria-invalid="true"/);
      const none = await upload(admin, 'shareImage');
      assert.equal(none.status, 400);
      assert.match(await none.text(), /Choose an image to upload\./);
      assert.equal(
        (await admin.client.request('/admin/settings/images/background', { method: 'POST', body: new FormData() }))
          .status,
        400,
        'no such slot',
      );
      assert.equal(app.services.settings.get().siteLogo, current, 'the logo is unchanged');
    },
  );

  it('only admins may change them, with the form’s token', async () => {
    const editor = await loginAs(app, 'editor');
    assert.equal((await upload(editor, 'siteLogo', await png(100, 100))).status, 403);
    const body = new FormData();
    body.set('image', new Blob([new Uint8Array(await pngImage(100, 100))], { type: 'image/png' }), 'x.png');
    assert.equal(
      (await admin.client.request('/admin/settings/images/siteLogo', { method: 'POST', body })).status,
      403,
      'no CSRF token',
    );
    assert.equal(
      (await reader().request('/admin/settings/images/siteLogo', { method: 'POST', body })).status,
      401,
      'a reader must log in',
    );
  });

  it('removing the logo brings the title back and deletes its files', async () => {
    const key = app.services.settings.get().siteLogo;
    const files = parseImage(key, '')!.widths.map((w) => join(app.services.config.mediaDir, mediaFile(key, w)));
    assert.ok(files.every((f) => existsSync(f)));
    const body = new FormData();
    body.set('_csrf', admin.csrf);
    body.set('remove', '1');
    assert.equal((await admin.client.request('/admin/settings/images/siteLogo', { method: 'POST', body })).status, 303);
    assert.equal(app.services.settings.get().siteLogo, '');
    assert.ok(
      files.every((f) => !existsSync(f)),
      'the old files are gone',
    );
    assert.match((await reader().page('/')).html, /<a class="site-title" href="\/">Broadsheet<\/a>/);
  });
});
