// API problems in words, next to the action or field they concern.
import { Alert, type FormInstance } from 'antd';
import { ApiProblem } from '../api/client.ts';
import { useT } from '../i18n/i18n.tsx';

export function ProblemAlert({ error, style }: { error: unknown; style?: React.CSSProperties }) {
  const t = useT();
  if (!error) return null;
  if (error instanceof ApiProblem) {
    if (error.status === 0) return <Alert role="alert" type="error" showIcon title={t.problem.network} style={style} />;
    const description =
      error.errors.length + error.reasons.length > 0 ? (
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {error.errors.map((field) => (
            <li key={`${field.path}:${field.message}`}>
              <code>{field.path.replace(/^(body|querystring|params|headers)\./, '')}</code>: {field.message}
            </li>
          ))}
          {error.reasons.map((reason) => (
            <li key={reason.code}>
              {t.reasons[reason.code] ?? reason.code}: {reason.detail}
            </li>
          ))}
        </ul>
      ) : undefined;
    const title = error.status === 403 ? t.app.forbidden : error.message;
    return <Alert role="alert" type="error" showIcon title={title} description={description} style={style} />;
  }
  return <Alert role="alert" type="error" showIcon title={error instanceof Error ? error.message : t.problem.title} style={style} />;
}

/**
 * Puts a 400's field errors on the form's own fields (`body.creditLimitMinor` → `creditLimitMinor`,
 * or through `fields` when the API and the form name a field differently); returns whether any matched.
 */
export function showFieldErrors(form: FormInstance, error: unknown, fields: Record<string, string> = {}): boolean {
  if (!(error instanceof ApiProblem) || error.errors.length === 0) return false;
  const names = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const byField = new Map<string, string[]>();
  for (const { path, message } of error.errors) {
    const key = path.replace(/^(body|querystring)\./, '');
    const name = fields[key] ?? key;
    if (!names.has(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}

/**
 * Puts a 400's field errors where the form keeps them when its shape differs from the API's
 * (rows of a list, yuan for minor units): `place` turns a problem's path (`body.` taken off) into
 * the form's name path, or undefined to leave it to the alert. Returns whether any matched.
 */
export function showFieldErrorsAt(form: FormInstance, error: unknown, place: (path: string) => (string | number)[] | undefined): boolean {
  if (!(error instanceof ApiProblem) || error.errors.length === 0) return false;
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const { path, message } of error.errors) {
    const name = place(path.replace(/^(body|querystring)\./, ''));
    if (!name) continue;
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(message);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return byField.size > 0;
}
