// The events the append benchmarks write: one order's lines, as a placement appends them.
import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../../src/eventstore/port.ts';

export type OrderLineWorld = { dealerOf: (writer: number) => string; skuOf: (index: number) => string; warehouseId: string };

/** `count` line events of one new order by writer `writer`'s dealer. */
export function orderLineEvents(count: number, writer: number, world: OrderLineWorld): NewEvent[] {
  const correlationId = randomUUID();
  const metadata: EventMetadata = {
    actor: `dealer-user-${writer}`,
    role: 'dealer',
    correlationId,
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  return Array.from({ length: count }, (_, line) => ({
    id: randomUUID(),
    type: 'BenchOrderLineAdded',
    data: {
      orderId: correlationId,
      dealerId: world.dealerOf(writer),
      line,
      sku: world.skuOf(writer * 7919 + line),
      quantity: 1 + (line % 12),
      unitPriceMinor: 5_400,
      currency: 'CNY',
      warehouseId: world.warehouseId,
    },
    metadata,
  }));
}
