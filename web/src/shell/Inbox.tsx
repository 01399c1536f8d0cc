// The signed-in user's inbox: a bell with the unread count in the header and a drawer with the
// notifications, newest first, in the UI's language. Kept live by the API's server-sent events
// (read with fetch, as EventSource cannot send the bearer token), resumed after the last item
// received; where the stream is refused, long-polling the inbox instead.
import { BellOutlined } from '@ant-design/icons';
import { App, Badge, Button, Drawer, Empty, Grid, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, api, post } from '../api/client.ts';
import { appLinkOf, readInboxStream, type Notification, type NotificationPage } from '../api/notifications.ts';
import { useSession } from '../auth/session.tsx';
import { dateTime } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';

type Mode = 'connecting' | 'live' | 'reconnecting' | 'polling';

/** How many of the newest items the drawer shows. */
const SHOWN = 100;
const LONG_POLL_SECONDS = 25;

const COUNT_STYLE: React.CSSProperties = {
  position: 'absolute',
  top: -6,
  right: -4,
  minWidth: 16,
  height: 16,
  padding: '0 4px',
  borderRadius: 8,
  background: '#ff4d4f',
  color: '#fff',
  fontSize: 11,
  lineHeight: '16px',
  textAlign: 'center',
  whiteSpace: 'nowrap',
  pointerEvents: 'none',
};

const byNewest = (a: Notification, b: Notification) => {
  const left = BigInt(a.position);
  const right = BigInt(b.position);
  return left === right ? 0 : left > right ? -1 : 1;
};

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A refusal that asking again will not change (not signed in, the route missing): stop streaming. */
const refused = (error: unknown) =>
  error instanceof ApiProblem && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

/** The inbox, in `language`: every item from the start, then live (a new language: a new inbox, see InboxBell). */
function useInbox(language: string) {
  const [items, setItems] = useState<ReadonlyMap<string, Notification>>(new Map());
  const [mode, setMode] = useState<Mode>('connecting');

  useEffect(() => {
    const stop = new AbortController();
    const { signal } = stop;
    const add = (received: Notification[]) => {
      if (received.length === 0) return;
      setItems((current) => {
        const next = new Map(current);
        // A read mark made here stays: the stream tells each item once, as it was then.
        for (const item of received) next.set(item.id, { ...item, read: item.read || (current.get(item.id)?.read ?? false) });
        return next;
      });
    };

    async function poll(after: string): Promise<void> {
      setMode('polling');
      while (!signal.aborted) {
        try {
          const page = await api<NotificationPage>('GET', '/v1/notifications', {
            query: { after, limit: 500, waitSeconds: LONG_POLL_SECONDS },
            headers: { 'accept-language': language },
            signal,
          });
          add(page.items);
          after = page.nextAfter;
        } catch (error) {
          if (signal.aborted || refused(error)) return;
          await pause(5_000, signal);
        }
      }
    }

    void (async () => {
      let after = '0';
      let failures = 0;
      while (!signal.aborted) {
        try {
          // Resumed after the last item received, also when the connection dropped mid-stream.
          const onItems = (received: Notification[]) => {
            add(received);
            after = received.at(-1)?.position ?? after;
          };
          await readInboxStream(after, language, { onItems, onLive: () => setMode('live') }, signal);
          failures = 0;
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof ApiProblem && (error.status === 401 || error.status === 403)) return;
          // A server or proxy that cannot stream: long-poll the same inbox.
          if (refused(error)) return poll(after);
          failures += 1;
        }
        if (signal.aborted) return;
        setMode('reconnecting');
        await pause(Math.min(3_000 * Math.max(failures, 1), 30_000), signal);
      }
    })();
    return () => stop.abort();
  }, [language]);

  const markRead = useCallback(async (id: string) => {
    await post(`/v1/notifications/${encodeURIComponent(id)}/read`);
    setItems((current) => {
      const item = current.get(id);
      if (!item || item.read) return current;
      return new Map(current).set(id, { ...item, read: true });
    });
  }, []);

  return { items, mode, markRead };
}

function NotificationItem({
  item,
  area,
  onOpen,
  onRead,
}: {
  item: Notification;
  area: 'portal' | 'console';
  onOpen: () => void;
  onRead: () => Promise<void>;
}) {
  const t = useT();
  const { locale } = useLang();
  const [busy, setBusy] = useState(false);
  const to = appLinkOf(item.link, area);
  const title = (
    <Typography.Text strong={!item.read} type={item.read ? 'secondary' : undefined}>
      {item.title}
    </Typography.Text>
  );
  return (
    <article aria-label={item.title} data-read={item.read} style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
      <Badge color={item.read ? '#d9d9d9' : '#1677ff'} style={{ marginTop: 4 }} />
      <div style={{ flex: 1, minWidth: 0 }}>
        <Space wrap size={4}>
          {to ? (
            <Link to={to} onClick={onOpen}>
              {title}
            </Link>
          ) : (
            title
          )}
          {!item.read && <Tag color="blue">{t.inbox.unread}</Tag>}
        </Space>
        <div style={{ whiteSpace: 'normal' }}>{item.body}</div>
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <time dateTime={item.occurredAt}>{dateTime(item.occurredAt, locale)}</time>
          </Typography.Text>
          {!item.read && (
            <Button
              size="small"
              type="link"
              disabled={busy}
              aria-label={`${t.inbox.markRead} ${item.title}`}
              onClick={() => {
                setBusy(true);
                void onRead().finally(() => setBusy(false));
              }}
            >
              {t.inbox.markRead}
            </Button>
          )}
        </Space>
      </div>
    </article>
  );
}

/** The bell; another language reads the inbox again, as the server words each item in the language asked. */
export function InboxBell() {
  const { lang } = useLang();
  const language = lang === 'en' ? 'en' : 'zh-CN';
  return <Inbox key={language} language={language} />;
}

function Inbox({ language }: { language: string }) {
  const t = useT();
  const { message } = App.useApp();
  const { session } = useSession();
  const area = session?.user.role === 'dealer' ? 'portal' : 'console';
  const { items, mode, markRead } = useInbox(language);
  const [open, setOpen] = useState(false);
  const narrow = !Grid.useBreakpoint().sm;
  const sorted = useMemo(() => [...items.values()].sort(byNewest), [items]);
  const unread = sorted.filter((item) => !item.read);

  const read = async (ids: string[]) => {
    try {
      for (const id of ids) await markRead(id);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };

  const status = { connecting: t.app.loading, live: t.inbox.live, reconnecting: t.inbox.reconnecting, polling: t.inbox.longPoll }[mode];

  return (
    <>
      {/*
        The count is drawn here rather than by antd's Badge: with a count, its motion left other
        buttons' loading-icon motions unfinished (a dialog's "保存" kept "loading" in its name),
        and it stayed inside a phone's screen only when moved in by hand.
      */}
      <span style={{ position: 'relative', display: 'inline-block' }}>
        <Button icon={<BellOutlined />} aria-label={t.inbox.bell(unread.length)} data-inbox={mode} onClick={() => setOpen(true)} />
        {unread.length > 0 && (
          <span aria-hidden style={COUNT_STYLE}>
            {unread.length > 99 ? '99+' : unread.length}
          </span>
        )}
      </span>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        destroyOnHidden
        title={t.inbox.title}
        size={narrow ? '100%' : 400}
        extra={
          unread.length > 0 && (
            <Button size="small" onClick={() => void read(unread.map((item) => item.id))}>
              {t.inbox.markAllRead}
            </Button>
          )
        }
      >
        <Typography.Text type="secondary" style={{ fontSize: 12 }} role="status">
          {status}
        </Typography.Text>
        {sorted.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.inbox.empty} />
        ) : (
          <ul aria-label={t.inbox.title} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {sorted.slice(0, SHOWN).map((item, index) => (
              <li key={item.id} style={{ padding: '12px 0', borderTop: index === 0 ? undefined : '1px solid #f0f0f0' }}>
                <NotificationItem
                  item={item}
                  area={area}
                  onOpen={() => {
                    setOpen(false);
                    if (!item.read) void read([item.id]);
                  }}
                  onRead={() => read([item.id])}
                />
              </li>
            ))}
          </ul>
        )}
      </Drawer>
    </>
  );
}
