// One product: everything the dealer needs to decide, and the add-to-cart control.
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Space, Tag } from 'antd';
import { Link, useParams } from 'react-router';
import { get } from '../api/client.ts';
import type { Product } from '../api/types.ts';
import { money } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { AddToCart } from './AddToCart.tsx';
import { PriceText, StockTag } from './ProductCard.tsx';

export function ProductPage() {
  const t = useT();
  const { sku = '' } = useParams();
  const product = useQuery({
    queryKey: ['product', sku],
    queryFn: ({ signal }) => get<Product>(`/v1/products/${encodeURIComponent(sku)}`, undefined, signal),
  });
  if (product.error) return <ProblemAlert error={product.error} />;
  const item = product.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/portal">← {t.nav.search}</Link>
      <Card loading={product.isPending} title={item?.name}>
        {item && (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <PriceText product={item} />
            <Space wrap>
              <StockTag available={item.available} />
              {item.promotions.map((promotion) => (
                <Tag key={promotion.id} color="volcano">
                  {promotion.title}
                </Tag>
              ))}
            </Space>
            <AddToCart product={item} />
            <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t.product.sku}>{item.sku}</Descriptions.Item>
              <Descriptions.Item label={t.product.gtin}>{item.gtin ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t.product.brand}>{item.brand}</Descriptions.Item>
              <Descriptions.Item label={t.product.category}>{t.product.categories[item.category] ?? item.category}</Descriptions.Item>
              <Descriptions.Item label={t.product.unit}>{item.unit}</Descriptions.Item>
              <Descriptions.Item label={t.product.caseSize}>{item.caseSize ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t.product.shelfLife}>{item.shelfLifeDays ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t.product.basePrice}>{money(item.basePriceMinor, item.currency)}</Descriptions.Item>
            </Descriptions>
          </Space>
        )}
      </Card>
    </Space>
  );
}
