// The dealer's cart, kept in the browser (per dealer and user) so nothing is lost on a reload or a
// failed order. It carries the Idempotency-Key of its next order: any change makes a new key, so
// placing the same cart twice (a double click, a retry after a lost answer) places one order.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { newIdempotencyKey } from '../api/client.ts';

export type CartLine = { sku: string; name: string; qty: number };
export type Cart = { lines: CartLine[]; regionCode: string | null; deliveryAddress: string; note: string; idempotencyKey: string };

const emptyCart = (): Cart => ({ lines: [], regionCode: null, deliveryAddress: '', note: '', idempotencyKey: newIdempotencyKey() });

type CartContext = {
  cart: Cart;
  count: number;
  add: (line: CartLine) => void;
  setQty: (sku: string, qty: number) => void;
  remove: (sku: string) => void;
  setDetails: (details: Partial<Pick<Cart, 'regionCode' | 'deliveryAddress' | 'note'>>) => void;
  /** After a refused order: the next attempt is a new request, not a replay of the refusal. */
  renewKey: () => void;
  clear: () => void;
};

const Context = createContext<CartContext | undefined>(undefined);

function load(storageKey: string): Cart {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Cart | null;
    return stored && Array.isArray(stored.lines) ? stored : emptyCart();
  } catch {
    return emptyCart();
  }
}

export function CartProvider({ owner, children }: { owner: string; children: ReactNode }) {
  const storageKey = `dealerline.cart.${owner}`;
  const [cart, setCart] = useState<Cart>(() => load(storageKey));

  useEffect(() => {
    localStorage.setItem(storageKey, JSON.stringify(cart));
  }, [storageKey, cart]);

  const change = useCallback((update: (cart: Cart) => Omit<Cart, 'idempotencyKey'>) => {
    setCart((current) => ({ ...update(current), idempotencyKey: newIdempotencyKey() }));
  }, []);

  const value = useMemo<CartContext>(
    () => ({
      cart,
      count: cart.lines.reduce((sum, line) => sum + line.qty, 0),
      add: (line) =>
        change((current) => {
          const existing = current.lines.find((candidate) => candidate.sku === line.sku);
          const lines = existing
            ? current.lines.map((candidate) => (candidate.sku === line.sku ? { ...candidate, qty: candidate.qty + line.qty } : candidate))
            : [...current.lines, line];
          return { ...current, lines };
        }),
      setQty: (sku, qty) =>
        change((current) => ({ ...current, lines: current.lines.map((line) => (line.sku === sku ? { ...line, qty } : line)) })),
      remove: (sku) => change((current) => ({ ...current, lines: current.lines.filter((line) => line.sku !== sku) })),
      setDetails: (details) => change((current) => ({ ...current, ...details })),
      renewKey: () => setCart((current) => ({ ...current, idempotencyKey: newIdempotencyKey() })),
      clear: () => setCart(emptyCart()),
    }),
    [cart, change],
  );
  return <Context value={value}>{children}</Context>;
}

export function useCart(): CartContext {
  const context = useContext(Context);
  if (!context) throw new Error('useCart outside CartProvider');
  return context;
}
