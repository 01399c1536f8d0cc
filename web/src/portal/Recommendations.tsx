// "Recommended for you" on the portal's home: what the dealer is due to reorder, what goes with
// what it ordered lately, what sells in its region, what is on promotion for it; each with its
// reason in words (the API's, in the UI's language) and an add-to-cart.
import { useQuery } from '@tanstack/react-query';
import { Card, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import type { Recommendation } from '../api/notifications.ts';
import { money } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { ItemList } from '../shared/ItemList.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { AddToCart } from './AddToCart.tsx';
import { StockTag } from './ProductCard.tsx';

const REASON_COLORS: Record<string, string> = {
  due_to_reorder: 'blue',
  bought_together: 'purple',
  popular_in_region: 'cyan',
  promoted_for_you: 'volcano',
};

export function Recommendations({ limit = 6 }: { limit?: number }) {
  const t = useT();
  const { lang } = useLang();
  const language = lang === 'en' ? 'en' : 'zh-CN';
  const recommendations = useQuery({
    queryKey: ['recommendations', limit, language],
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      api<{ items: Recommendation[] }>('GET', '/v1/recommendations', {
        query: { limit },
        headers: { 'accept-language': language },
        signal,
      }),
  });
  const items = recommendations.data?.items ?? [];
  if (recommendations.isSuccess && items.length === 0) return null;
  return (
    <section aria-label={t.recommend.title}>
      <Card size="small" title={t.recommend.title}>
        <ProblemAlert error={recommendations.error} />
        <ItemList<Recommendation>
          loading={recommendations.isPending}
          items={items}
          itemKey={(item) => item.sku}
          empty={t.recommend.empty}
          render={(item) => (
            <article
              aria-label={item.name}
              style={{ display: 'flex', flexWrap: 'wrap', gap: 12, justifyContent: 'space-between', alignItems: 'center' }}
            >
              <Space orientation="vertical" size={2} style={{ minWidth: 0, flex: '1 1 260px' }}>
                <Link to={`/portal/products/${encodeURIComponent(item.sku)}`} style={{ fontSize: 15 }}>
                  {item.name}
                </Link>
                <Space size={4} wrap>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {item.sku}
                  </Typography.Text>
                  <Typography.Text strong>{money(item.priceMinor)}</Typography.Text>
                  <StockTag available={item.available} />
                </Space>
                <div>
                  <Tag color={REASON_COLORS[item.reason] ?? 'default'}>{t.recommend.reasons[item.reason] ?? item.reason}</Tag>
                  <Typography.Text type="secondary">{item.detail}</Typography.Text>
                </div>
              </Space>
              <AddToCart product={item} />
            </article>
          )}
        />
      </Card>
    </section>
  );
}
