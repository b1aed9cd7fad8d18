// The site settings form: fields grouped by what they govern, each error beside its field and
// listed, with links, in a summary at the top.
import type { FieldErrors } from '../../errors.ts';
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { FieldError, invalid } from '../staff/staff.views.tsx';
import { GROUPS, SETTINGS_FIELDS, type FieldSpec, type SettingsKey } from './settings.admin.form.ts';

const fieldId = (key: string) => `setting-${key}`;

export function SettingsPage({ frame, values, errors, notice }: { frame: AdminFrame; values: Record<string, string>; errors: FieldErrors; notice?: string }) {
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
          <p>Nothing was saved. Please correct {problems.length === 1 ? 'this field' : `these ${problems.length} fields`}:</p>
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
          const keys = (Object.keys(SETTINGS_FIELDS) as SettingsKey[]).filter((key) => SETTINGS_FIELDS[key].group === group);
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
          Blocked words and e-mail addresses are kept by the moderators, on the <a href="/admin/blocking">Block lists</a> page.
        </p>
        <button type="submit">Save settings</button>
      </form>
    </AdminLayout>
  );
}

export function Field({ name, field, value, errors }: { name: string; field: FieldSpec; value: string; errors: FieldErrors }) {
  const id = fieldId(name);
  const hintId = `${id}-hint`;
  // The error (when there is one) and the hint both describe the control.
  const describedBy = [errors[name] ? `${name}-error` : '', field.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
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
            <input type="radio" name={name} value={option.value} checked={value === option.value} id={i === 0 ? id : undefined} {...invalid(name, errors)} /> {option.label}
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
        <input id={id} name={name} type="number" inputMode="numeric" min={field.min} max={field.max} step={1} value={value} class="short" {...a11y} />
      ) : field.kind === 'zone' ? (
        <>
          <input id={id} name={name} type="text" list={`${id}-list`} value={value} required autocomplete="off" spellcheck={false} {...a11y} />
          <datalist id={`${id}-list`}>
            {Intl.supportedValuesOf('timeZone').map((zone) => (
              <option value={zone} />
            ))}
          </datalist>
        </>
      ) : field.kind === 'text' ? (
        <input id={id} name={name} type="text" maxLength={field.maxLength} value={value} required={field.required} {...a11y} />
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
