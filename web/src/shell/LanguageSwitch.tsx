// 中文 / English.
import { Segmented } from 'antd';
import { useLang, type Lang } from '../i18n/i18n.tsx';

export function LanguageSwitch() {
  const { lang, setLang, t } = useLang();
  return (
    <Segmented<Lang>
      aria-label={t.app.language}
      size="small"
      value={lang}
      onChange={setLang}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
