// The language: Chinese unless `?lang=en` or the switch chose English (kept for the next visit).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en.ts';
import { zh } from './zh.ts';

export type Lang = 'zh' | 'en';
export type Messages = typeof zh;

const STORAGE_KEY = 'dealerline.lang';

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  if (fromUrl?.toLowerCase().startsWith('zh')) return 'zh';
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

type LangContext = { lang: Lang; t: Messages; setLang: (lang: Lang) => void; locale: string };

const Context = createContext<LangContext | undefined>(undefined);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const value = useMemo<LangContext>(
    () => ({ lang, t: lang === 'zh' ? zh : en, setLang, locale: lang === 'zh' ? 'zh-CN' : 'en-CA' }),
    [lang, setLang],
  );
  return <Context value={value}>{children}</Context>;
}

export function useLang(): LangContext {
  const context = useContext(Context);
  if (!context) throw new Error('useLang outside LangProvider');
  return context;
}

export function useT(): Messages {
  return useLang().t;
}
