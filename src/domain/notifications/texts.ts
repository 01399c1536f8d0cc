// A notification in words, for an inbox: a title, a sentence, and where to look, in Chinese (the
// default) or English.
import { businessTimeZone } from '../shared/calendar.ts';
import type { Notification } from './catalog.ts';

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type NotificationText = { title: string; body: string; link: string };

type Words = { zh: string; en: string };

const REASONS: Readonly<Record<string, Words>> = {
  insufficient_stock: { zh: '库存不足', en: 'insufficient stock' },
  credit_limit_exceeded: { zh: '超出信用额度', en: 'credit limit exceeded' },
  territory_not_authorized: { zh: '配送区域未授权', en: 'delivery region not authorized' },
  risk_score_high: { zh: '风险评分过高', en: 'risk score too high' },
  dealer_suspended: { zh: '经销商已暂停', en: 'dealer suspended' },
  unknown_sku: { zh: '未知商品', en: 'unknown SKU' },
  promotion_cap_reached: { zh: '促销名额已满', en: 'promotion cap reached' },
  buyer_limit_exceeded: { zh: '超出采购员限额', en: "over the buyer's limits" },
  dealer_rejected: { zh: '经销商负责人拒绝', en: "rejected by the dealer's owner" },
};

const TIERS: Readonly<Record<string, Words>> = {
  red: { zh: '红色', en: 'red' },
  yellow: { zh: '黄色', en: 'yellow' },
  blue: { zh: '蓝色', en: 'blue' },
};

const words = (table: Readonly<Record<string, Words>>, code: string, language: Language) =>
  table[code]?.[language] ?? code.replaceAll('_', ' ');

function reasonList(reasons: readonly { code: string }[], reason: string | null, language: Language): string {
  const named = reasons.map((candidate) => words(REASONS, candidate.code, language));
  const all = named.length > 0 ? named : reason ? [reason] : [];
  if (all.length === 0) return '';
  return language === 'zh' ? `：${all.join('；')}` : `: ${all.join('; ')}`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** An instant as people in the business read it: day and time in the business time zone. */
function when(instant: string, language: Language): string {
  const timeZone = businessTimeZone();
  let clock = clocks.get(timeZone);
  if (!clock)
    clocks.set(
      timeZone,
      (clock = new Intl.DateTimeFormat('sv-SE', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })),
    );
  const local = clock.format(new Date(instant));
  return language === 'zh' ? local : `${local} (${timeZone})`;
}

const orderLink = (orderId: string) => `/v1/orders/${encodeURIComponent(orderId)}`;

export function notificationText(notification: Notification, language: Language): NotificationText {
  const zh = language === 'zh';
  switch (notification.type) {
    case 'order.approved': {
      const { orderId, reason } = notification.facts;
      const note = reason ? (zh ? `（备注：${reason}）` : ` (note: ${reason})`) : '';
      return zh
        ? { title: '订单已批准', body: `订单 ${orderId} 已批准${note}。`, link: orderLink(orderId) }
        : { title: 'Order approved', body: `Order ${orderId} was approved${note}.`, link: orderLink(orderId) };
    }
    case 'order.on_hold': {
      const { orderId, reasons, reason } = notification.facts;
      return zh
        ? {
            title: '订单待审核',
            body: `订单 ${orderId} 暂缓处理，等待人工审核${reasonList(reasons, reason, language)}。`,
            link: orderLink(orderId),
          }
        : {
            title: 'Order on hold',
            body: `Order ${orderId} is on hold for review${reasonList(reasons, reason, language)}.`,
            link: orderLink(orderId),
          };
    }
    case 'order.rejected': {
      const { orderId, reasons, reason } = notification.facts;
      return zh
        ? { title: '订单已拒绝', body: `订单 ${orderId} 已被拒绝${reasonList(reasons, reason, language)}。`, link: orderLink(orderId) }
        : {
            title: 'Order rejected',
            body: `Order ${orderId} was rejected${reasonList(reasons, reason, language)}.`,
            link: orderLink(orderId),
          };
    }
    case 'order.awaiting_dealer_approval': {
      const { orderId } = notification.facts;
      return zh
        ? { title: '订单待负责人审批', body: `订单 ${orderId} 超出采购员限额，等待经销商负责人审批。`, link: orderLink(orderId) }
        : {
            title: 'Order awaits your approval',
            body: `Order ${orderId} is over the buyer's limits and waits for the dealer's owner to approve it.`,
            link: orderLink(orderId),
          };
    }
    case 'order.shipped': {
      const { orderId, shipmentId, carrier, trackingNumber } = notification.facts;
      const by = carrier ? (zh ? `，承运商 ${carrier}` : ` with ${carrier}`) : '';
      const tracking = trackingNumber ? (zh ? `，运单号 ${trackingNumber}` : `, tracking number ${trackingNumber}`) : '';
      return zh
        ? { title: '订单已发货', body: `订单 ${orderId} 的货件 ${shipmentId} 已发出${by}${tracking}。`, link: orderLink(orderId) }
        : {
            title: 'Order shipped',
            body: `Shipment ${shipmentId} of order ${orderId} left the warehouse${by}${tracking}.`,
            link: orderLink(orderId),
          };
    }
    case 'order.delivered': {
      const { orderId, shipmentId, deliveredAt } = notification.facts;
      return zh
        ? {
            title: '订单已送达',
            body: `订单 ${orderId} 的货件 ${shipmentId} 已于 ${when(deliveredAt, language)} 送达。`,
            link: orderLink(orderId),
          }
        : {
            title: 'Order delivered',
            body: `Shipment ${shipmentId} of order ${orderId} was delivered on ${when(deliveredAt, language)}.`,
            link: orderLink(orderId),
          };
    }
    case 'shipment.delayed': {
      const { orderId, shipmentId, cause, eta, reason } = notification.facts;
      const expected = eta ? (zh ? `，预计 ${when(eta, language)} 送达` : `; now expected on ${when(eta, language)}`) : '';
      const body =
        cause === 'exception'
          ? zh
            ? `订单 ${orderId} 的货件 ${shipmentId} 运输异常：${reason ?? ''}${expected}。`
            : `Shipment ${shipmentId} of order ${orderId} ran into a problem: ${reason ?? ''}${expected}.`
          : zh
            ? `订单 ${orderId} 的货件 ${shipmentId} 预计送达时间推迟${expected}。`
            : `Shipment ${shipmentId} of order ${orderId} is running late${expected}.`;
      return { title: zh ? '货件延误' : 'Shipment delayed', body, link: orderLink(orderId) };
    }
    case 'stock.low': {
      const { sku, warehouseId, available, threshold } = notification.facts;
      const link = `/v1/stock?sku=${encodeURIComponent(sku)}&warehouseId=${encodeURIComponent(warehouseId)}`;
      return zh
        ? { title: '库存不足预警', body: `仓库 ${warehouseId} 的商品 ${sku} 可用库存 ${available}，低于预警值 ${threshold}。`, link }
        : { title: 'Low stock', body: `${sku} at ${warehouseId}: ${available} available, below its threshold of ${threshold}.`, link };
    }
    case 'stock.expiring': {
      const { sku, warehouseId, lot, expiryDate, tier, daysLeft, qty } = notification.facts;
      const link = `/v1/stock/expiring?tier=${tier}&sku=${encodeURIComponent(sku)}&warehouseId=${encodeURIComponent(warehouseId)}`;
      return zh
        ? {
            title: `临期预警（${words(TIERS, tier, language)}）`,
            body: `仓库 ${warehouseId} 的商品 ${sku} 批次 ${lot}（${qty} 件）将于 ${expiryDate} 到期，剩余 ${daysLeft} 天。`,
            link,
          }
        : {
            title: `Expiring stock (${words(TIERS, tier, language)})`,
            body: `Lot ${lot} of ${sku} at ${warehouseId} (${qty} units) expires on ${expiryDate}, in ${daysLeft} days.`,
            link,
          };
    }
  }
}
