// Search as you type, with the dealer's own prices, stock and promotions; a scanned barcode (the
// scanner types digits and Enter) finds its product, and Enter puts one case of it in the cart.
import { useQuery } from '@tanstack/react-query';
import { SearchOutlined } from '@ant-design/icons';
import { App, Input, Space, Spin, Switch, Typography } from 'antd';
import { useState } from 'react';
import { ApiProblem, get } from '../api/client.ts';
import type { Page, Product } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { useDebounced } from '../shared/useDebounced.ts';
import { ItemList } from '../shared/ItemList.tsx';
import { ProblemAlert } from '../shared/problem.tsx';
import { AddToCart } from './AddToCart.tsx';
import { useCart } from './cart.tsx';
import { ProductSummary } from './ProductCard.tsx';
import { Recommendations } from './Recommendations.tsx';

const GTIN = /^\d{8,14}$/;

async function findProducts(q: string, inStock: boolean, signal: AbortSignal): Promise<Product[]> {
  if (GTIN.test(q)) {
    try {
      return [await get<Product>(`/v1/products/by-gtin/${q}`, undefined, signal)];
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 404) return [];
      throw error;
    }
  }
  return (await get<Page<Product>>('/v1/products', { q, inStock: inStock || undefined, limit: 30 }, signal)).items;
}

export function SearchPage() {
  const t = useT();
  const { message } = App.useApp();
  const { add } = useCart();
  const [text, setText] = useState('');
  const [inStock, setInStock] = useState(false);
  const q = useDebounced(text.trim(), 200);
  const products = useQuery({
    queryKey: ['products', q, inStock],
    queryFn: ({ signal }) => findProducts(q, inStock, signal),
    placeholderData: (previous) => previous,
  });

  async function onEnter() {
    const typed = text.trim();
    if (!GTIN.test(typed)) return;
    const found = await findProducts(typed, false, new AbortController().signal).catch(() => []);
    const product = found[0];
    if (!product) {
      void message.warning(t.product.gtinNotFound(typed));
      return;
    }
    add({ sku: product.sku, name: product.name, qty: 1 });
    void message.success(t.product.added(product.name));
    setText('');
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
        {t.nav.search}
      </Typography.Title>
      <Input
        type="search"
        aria-label={t.product.searchLabel}
        placeholder={t.product.searchPlaceholder}
        autoFocus
        size="large"
        enterKeyHint="search"
        prefix={<SearchOutlined aria-hidden />}
        suffix={<Spin size="small" spinning={products.isFetching} />}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onPressEnter={() => void onEnter()}
      />
      <Space>
        <Switch checked={inStock} onChange={setInStock} aria-label={t.product.inStockOnly} />
        <span>{t.product.inStockOnly}</span>
        {GTIN.test(q) && <Typography.Text type="secondary">{t.product.scanned(q)}</Typography.Text>}
      </Space>
      {text.trim() === '' && <Recommendations />}
      <ProblemAlert error={products.error} />
      <ItemList<Product>
        label={t.nav.search}
        loading={products.isPending}
        items={products.data ?? []}
        itemKey={(product) => product.sku}
        empty={GTIN.test(q) ? t.product.gtinNotFound(q) : t.product.noResults}
        render={(product) => (
          <article
            aria-label={product.name}
            style={{ display: 'flex', flexWrap: 'wrap', gap: 12, justifyContent: 'space-between', alignItems: 'center' }}
          >
            <ProductSummary product={product} />
            <AddToCart product={product} />
          </article>
        )}
      />
    </Space>
  );
}
