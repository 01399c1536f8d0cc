// The browser app's entry: language, session, Ant Design's locale, the router (server state comes with the areas).
import { ConfigProvider } from 'antd';
import 'antd/dist/reset.css';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { SessionProvider } from './auth/session.tsx';
import { LangProvider, useLang } from './i18n/i18n.tsx';
import { router } from './router.tsx';

function Themed() {
  const { lang } = useLang();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6 } }}
    >
      <RouterProvider router={router} />
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider>
      <SessionProvider>
        <Themed />
      </SessionProvider>
    </LangProvider>
  </StrictMode>,
);
