// A quantity and the "Add to cart" button for one product.
import { Button, InputNumber, Space, App } from 'antd';
import { useState } from 'react';
import type { Product } from '../api/types.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCart } from './cart.tsx';

export function AddToCart({ product }: { product: Pick<Product, 'sku' | 'name'> }) {
  const t = useT();
  const { add } = useCart();
  const { message } = App.useApp();
  const [qty, setQty] = useState<number>(1);
  return (
    <Space.Compact>
      <InputNumber<number>
        aria-label={`${t.product.quantity} ${product.name}`}
        min={1}
        max={100_000}
        precision={0}
        value={qty}
        onChange={(value) => setQty(value ?? 1)}
        style={{ width: 80 }}
      />
      <Button
        type="primary"
        onClick={() => {
          add({ sku: product.sku, name: product.name, qty });
          void message.success(t.product.added(product.name));
        }}
      >
        {t.product.addToCart}
      </Button>
    </Space.Compact>
  );
}
