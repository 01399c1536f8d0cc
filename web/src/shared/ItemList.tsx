// A plain list of items with dividers, an empty state and a loading state: what the screens need
// of a list (antd's List is deprecated, and its successor is a virtual list for long feeds).
import { Empty, Spin } from 'antd';
import type { ReactNode } from 'react';

export function ItemList<T>({
  items,
  render,
  itemKey,
  loading,
  empty,
  label,
}: {
  items: readonly T[];
  render: (item: T) => ReactNode;
  itemKey: (item: T) => string;
  loading?: boolean;
  empty?: ReactNode;
  label?: string;
}) {
  if (loading) return <Spin style={{ display: 'block', padding: 24 }} />;
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />;
  return (
    <ul aria-label={label} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((item, index) => (
        <li key={itemKey(item)} style={{ padding: '12px 0', borderTop: index === 0 ? undefined : '1px solid #f0f0f0' }}>
          {render(item)}
        </li>
      ))}
    </ul>
  );
}
