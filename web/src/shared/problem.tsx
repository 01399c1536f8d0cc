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
