// The site settings form: fields grouped by what they govern, each error beside its field and
// listed, with links, in a summary at the top.
import type { FieldErrors } from '../../errors.ts';
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { FieldError, invalid } from '../staff/staff.views.tsx';
import { mediaPath, parseImage, srcsetOf } from '../media/featured-image.ts';
import { GROUPS, SETTINGS_FIELDS, type FieldSpec, type SettingsKey } from './settings-admin-form.ts';
import { SITE_IMAGE_SLOTS, type SiteImageSlot } from './site-images.ts';

const fieldId = (key: string) => `setting-${key}`;

export function SettingsPage({
  frame,
  values,
  errors,
  notice,
  imageError,
}: {
  frame: AdminFrame;
  values: Record<string, string>;
  errors: FieldErrors;
  notice?: string;
  /** An upload that was refused, shown beside its form. */
  imageError?: { slot: SiteImageSlot; message: string };
}) {
  const problems = (Object.keys(SETTINGS_FIELDS) as SettingsKey[]).filter((key) => errors[key]);
  return (
    <AdminLayout frame={frame} title="Settings" active="/admin/settings">
      <h1>Site settings</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {problems.length > 0 ? (
        <div class="error-summary" role="alert">
          <p>
            Nothing was saved. Please correct {problems.length === 1 ? 'this field' : `these ${problems.length} fields`}
            :
          </p>
          <ul>
            {problems.map((key) => (
              <li>
                <a href={`#${fieldId(key)}`}>{SETTINGS_FIELDS[key].label}</a>: {errors[key]}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action="/admin/settings" class="settings-form" novalidate>
        <input type="hidden" name="_csrf" value={frame.csrf} />
        {GROUPS.map((group) => {
          const keys = (Object.keys(SETTINGS_FIELDS) as SettingsKey[]).filter(
            (key) => SETTINGS_FIELDS[key].group === group,
          );
          return keys.length === 0 ? null : (
            <fieldset>
              <legend>{group}</legend>
              {keys.map((key) => (
                <Field name={key} field={SETTINGS_FIELDS[key]} value={values[key] ?? ''} errors={errors} />
              ))}
            </fieldset>
          );
        })}
        <p class="hint">
          Blocked words and e-mail addresses are kept by the moderators, on the{' '}
          <a href="/admin/blocking">Block lists</a> page.
        </p>
        <button type="submit">Save settings</button>
      </form>
      <section class="site-images" aria-labelledby="site-images-heading">
        <h2 id="site-images-heading">Logo and images</h2>
        {SITE_IMAGE_SLOTS.map((slot) => (
          <SiteImageForm
            slot={slot}
            imageKey={values[slot] ?? ''}
            csrf={frame.csrf}
            error={imageError?.slot === slot ? imageError.message : undefined}
          />
        ))}
      </section>
    </AdminLayout>
  );
}

export function Field({
  name,
  field,
  value,
  errors,
}: {
  name: string;
  field: FieldSpec;
  value: string;
  errors: FieldErrors;
}) {
  const id = fieldId(name);
  const hintId = `${id}-hint`;
  // The error (when there is one) and the hint both describe the control.
  const describedBy =
    [errors[name] ? `${name}-error` : '', field.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  const a11y = { ...invalid(name, errors), 'aria-describedby': describedBy };
  const hint = field.hint ? (
    <span class="hint" id={hintId}>
      {field.hint}
    </span>
  ) : null;
  if (field.kind === 'choice') {
    return (
      <fieldset class="field choice" aria-describedby={describedBy}>
        <legend>{field.label}</legend>
        {hint}
        {field.options.map((option, i) => (
          <label>
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              id={i === 0 ? id : undefined}
              {...invalid(name, errors)}
            />{' '}
            {option.label}
          </label>
        ))}
        <FieldError field={name} errors={errors} />
      </fieldset>
    );
  }
  return (
    <p class="field">
      <label for={id}>{field.label}</label>
      {field.kind === 'int' ? (
        <input
          id={id}
          name={name}
          type="number"
          inputMode="numeric"
          min={field.min}
          max={field.max}
          step={1}
          value={value}
          class="short"
          {...a11y}
        />
      ) : field.kind === 'zone' ? (
        <>
          <input
            id={id}
            name={name}
            type="text"
            list={`${id}-list`}
            value={value}
            required
            autocomplete="off"
            spellcheck={false}
            {...a11y}
          />
          <datalist id={`${id}-list`}>
            {Intl.supportedValuesOf('timeZone').map((zone) => (
              <option value={zone} />
            ))}
          </datalist>
        </>
      ) : field.kind === 'text' ? (
        <input
          id={id}
          name={name}
          type="text"
          maxLength={field.maxLength}
          value={value}
          required={field.required}
          {...a11y}
        />
      ) : (
        <textarea id={id} name={name} rows={field.kind === 'list' ? 6 : 3} {...a11y}>
          {value}
        </textarea>
      )}
      <FieldError field={name} errors={errors} />
      {hint}
    </p>
  );
}

const NONE: Record<SiteImageSlot, string> = {
  siteLogo: 'No logo: the header shows the site title.',
  siteIcon: 'No favicon of its own: made from the logo, or the built-in icon.',
  shareImage: 'No default image: pages without a featured image are shared without a picture.',
};

/** One image's own form (a file cannot travel with the other settings' plain form). */
function SiteImageForm({
  slot,
  imageKey,
  csrf,
  error,
}: {
  slot: SiteImageSlot;
  imageKey: string;
  csrf: string;
  error?: string;
}) {
  const field = SETTINGS_FIELDS[slot];
  const image = parseImage(imageKey, '');
  const id = fieldId(slot);
  const errorId = `${slot}-error`;
  return (
    <form
      method="post"
      action={`/admin/settings/images/${slot}`}
      enctype="multipart/form-data"
      class="site-image-form"
      id={slot}
    >
      <input type="hidden" name="_csrf" value={csrf} />
      <fieldset>
        <legend>{field.label}</legend>
        <p class="hint" id={`${id}-hint`}>
          {field.hint}
        </p>
        {image ? (
          <p class={`site-image-current ${slot}`}>
            <img
              src={mediaPath(image.key, image.widths[0]!)}
              srcset={srcsetOf(image)}
              sizes="12rem"
              width={image.width}
              height={image.height}
              alt={`Current ${field.label.toLowerCase()}`}
            />
          </p>
        ) : (
          <p class="quiet">{NONE[slot]}</p>
        )}
        <p class="field">
          <label for={id}>{image ? 'Replace with' : 'Upload'} an image (JPEG, PNG, WebP or GIF, up to 8 MB)</label>
          <input
            id={id}
            type="file"
            name="image"
            accept="image/jpeg,image/png,image/webp,image/gif"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${errorId} ${id}-hint` : `${id}-hint`}
          />
          {error ? (
            <span class="field-error" id={errorId}>
              {error}
            </span>
          ) : null}
        </p>
        <p class="site-image-actions">
          <button type="submit">Upload</button>
          {image ? (
            <button type="submit" name="remove" value="1" class="secondary">
              Remove
            </button>
          ) : null}
        </p>
      </fieldset>
    </form>
  );
}
