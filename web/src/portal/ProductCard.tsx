// One product as a dealer sees it: its price for this dealer, stock and promotions.
import { Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { Product } from '../api/types.ts';
import { money } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';

export function StockTag({ available }: { available: number }) {
  const t = useT();
  return available > 0 ? (
    <Tag color="green">{t.product.available(available.toLocaleString())}</Tag>
  ) : (
    <Tag color="red">{t.product.outOfStock}</Tag>
  );
}

export function PriceText({ product }: { product: Product }) {
  const t = useT();
  return (
    <span>
      <Typography.Text strong style={{ fontSize: 16 }}>
        {money(product.priceMinor, product.currency)}
      </Typography.Text>
      <Typography.Text type="secondary"> / {product.unit}</Typography.Text>
      {product.priceMinor !== product.basePriceMinor && (
        <Typography.Text type="secondary" delete style={{ marginInlineStart: 6, fontSize: 12 }}>
          {money(product.basePriceMinor, product.currency)}
        </Typography.Text>
      )}
      <Typography.Text type="secondary" style={{ marginInlineStart: 6, fontSize: 12 }}>
        {t.product.priceBasis[product.priceBasis] ?? product.priceBasis}
      </Typography.Text>
    </span>
  );
}

export function ProductSummary({ product }: { product: Product }) {
  const t = useT();
  return (
    <Space orientation="vertical" size={2}>
      <Link to={`/portal/products/${encodeURIComponent(product.sku)}`} style={{ fontSize: 15 }}>
        {product.name}
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {product.sku} · {product.brand} · {t.product.categories[product.category] ?? product.category}
        {product.caseSize ? ` · ${product.caseSize}/${product.unit}` : ''}
      </Typography.Text>
      <PriceText product={product} />
      <Space size={4} wrap>
        <StockTag available={product.available} />
        {product.promotions.map((promotion) => (
          <Tag key={promotion.id} color="volcano">
            {promotion.title}
          </Tag>
        ))}
      </Space>
    </Space>
  );
}
