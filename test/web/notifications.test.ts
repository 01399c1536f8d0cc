// Notifications, recommendations, tracking and subscriptions in a real Chromium against the real
// server on the demo data: a held order and its approval reach the dealer's and the staff's bells
// live (through the server-sent events stream), are marked read and read again in English; where
// the stream is refused the bell long-polls; the portal's home shows the
// dealer's recommendations with their reasons; a shipment's carrier reports (signed logistics
// webhooks) show on the order; a subscription is refused on its field, created with its secret
// shown once, and deleted; no console errors.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, readModelsCaughtUp, startTestApp, type TestApp } from '../support/app.ts';
import { buildWebApp, DESKTOP, findChromium, launchBrowser, PHONE, signInWithToken, type Browser } from '../support/browser.ts';
import { LOGISTICS_SECRET, postWebhook } from '../integrations/order-partners.ts';

/** A demo dealer with a year of orders, its territory, and a product it can order (src/demo/). */
const DEALER = 'D-1001';
const REGION = 'CN-31';
/** A region outside D-1001's territories: its orders are held for review. */
const FOREIGN_REGION = 'CN-11';
const SKU = 'TEA-TY-02';

const shanghai = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

type InboxItem = { id: string; type: string; title: string; body: string; link: string; read: boolean };

const chromium = findChromium();

if (chromium.available) {
  describe('notifications, recommendations, tracking and subscriptions in Chromium', () => {
    let app: TestApp;
    let browser: Browser;
    let dealerToken: string;

    beforeAll(async () => {
      await buildWebApp();
      app = await startTestApp({ LOGISTICS_WEBHOOK_SECRET: LOGISTICS_SECRET }, { seed: true });
      await readModelsCaughtUp(app);
      dealerToken = app.token('dealer', DEALER);
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    const bell = (page: Page) => page.locator('button[data-inbox]');

    /** The bell's unread count, from its accessible name ("消息通知（3 条未读）", or none). */
    async function unreadOf(page: Page): Promise<number> {
      const label = (await bell(page).getAttribute('aria-label')) ?? '';
      return Number(/（(\d+) 条未读）/.exec(label)?.[1] ?? 0);
    }

    /** The bell's unread count once its stream has sent everything so far: what follows arrives live. */
    async function liveBell(page: Page): Promise<number> {
      await page.locator('button[data-inbox="live"]').waitFor();
      return unreadOf(page);
    }

    /** The whole inbox, oldest first. */
    async function inbox(token: string): Promise<InboxItem[]> {
      const items: InboxItem[] = [];
      for (let after = '0'; ;) {
        const response = await app.request('GET', `/v1/notifications?limit=500&after=${after}`, { token });
        expect(response.status, response.text).toBe(200);
        items.push(...response.body.items);
        if (response.body.items.length < 500) return items;
        after = response.body.nextAfter;
      }
    }

    async function placeOrder(regionCode: string): Promise<{ id: string; status: string }> {
      const placed = await app.request('POST', '/v1/orders', { token: dealerToken, body: { lines: [{ sku: SKU, qty: 1 }], regionCode } });
      expect(placed.status, placed.text).toBe(201);
      return placed.body;
    }

    it("shows a held order and its approval live in the bells of ops and of the dealer, marks the dealer's read, and keeps the mark in English", async () => {
      const dealerPage = await browser.page(DESKTOP);
      await signInWithToken(dealerPage, app.url, dealerToken);
      const opsPage = await browser.page(DESKTOP);
      await signInWithToken(opsPage, app.url, app.token('ops'));
      const dealerBefore = await liveBell(dealerPage);
      await liveBell(opsPage);
      // Both drawers open before anything happens: what shows up in them came through the stream.
      await bell(dealerPage).click();
      await bell(opsPage).click();
      await dealerPage.getByRole('status').filter({ hasText: '实时更新中' }).waitFor();

      const held = await placeOrder(FOREIGN_REGION);
      expect(held.status).toBe('on_hold');
      // Ops is told of the held order without reloading (staff also get stock alerts meanwhile: no count here).
      const opsItem = opsPage.getByRole('article', { name: '订单待审核' }).filter({ hasText: held.id });
      await opsItem.getByText('未读', { exact: true }).waitFor();
      await opsItem.getByRole('link', { name: '订单待审核' }).click();
      await expect.poll(() => opsPage.url()).toContain(`/console/orders/${held.id}`);

      const approved = await app.request('POST', `/v1/orders/${held.id}/approve`, {
        token: app.token('ops'),
        body: { note: 'address checked' },
      });
      expect(approved.status, approved.text).toBe(200);
      // The dealer was told of both, live, in Chinese.
      await expect.poll(() => unreadOf(dealerPage), { timeout: 15_000 }).toBe(dealerBefore + 2);
      const item = dealerPage.getByRole('article', { name: '订单已批准' }).filter({ hasText: held.id });
      await item.getByText(`订单 ${held.id} 已批准`).waitFor();
      await item.getByText('未读', { exact: true }).waitFor();
      await dealerPage.getByRole('article', { name: '订单待审核' }).filter({ hasText: held.id }).waitFor();

      await item.getByRole('button', { name: '标为已读 订单已批准' }).click();
      await expect.poll(() => item.getAttribute('data-read')).toBe('true');
      await expect.poll(() => unreadOf(dealerPage)).toBe(dealerBefore + 1);
      const serverItem = await eventually(async () =>
        (await inbox(dealerToken)).find(
          (candidate) => candidate.type === 'order.approved' && candidate.body.includes(held.id) && candidate.read,
        ),
      );
      expect(serverItem.link).toBe(`/v1/orders/${held.id}`);
      // Opening an item marks it read; a mark is its reader's own, and the item's alone.
      await eventually(async () =>
        (await inbox(app.token('ops'))).find((candidate) => candidate.body.includes(held.id))?.read ? true : undefined,
      );
      expect(
        (await inbox(dealerToken)).find((candidate) => candidate.type === 'order.on_hold' && candidate.body.includes(held.id))?.read,
      ).toBe(false);

      // In English the inbox is read again, worded by the server in English, read marks kept.
      await dealerPage.keyboard.press('Escape');
      await dealerPage.getByText('English', { exact: true }).click();
      await dealerPage.getByRole('button', { name: `Notifications (${dealerBefore + 1} unread)` }).click();
      const english = dealerPage.getByRole('article', { name: 'Order approved' }).filter({ hasText: held.id });
      await english.getByText(`Order ${held.id} was approved`).waitFor();
      expect(await english.getAttribute('data-read')).toBe('true');
      await dealerPage
        .getByRole('article', { name: 'Order on hold' })
        .filter({ hasText: held.id })
        .getByText('Unread', { exact: true })
        .waitFor();
      expect(browser.errors).toEqual([]);
    });

    it('long-polls the inbox where the stream is refused (a proxy that cannot stream), in the UI language', async () => {
      const page = await browser.page(DESKTOP);
      await page.route('**/v1/notifications/stream*', (route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/problem+json',
          body: JSON.stringify({ title: 'Not Found', status: 404, code: 'not_found' }),
        }),
      );
      await signInWithToken(page, app.url, dealerToken, '?lang=en');
      await page.locator('button[data-inbox="polling"]').waitFor();
      // The refused stream is the only error the browser saw.
      expect(browser.errors).toEqual([expect.stringMatching(/status of 404 .*\/v1\/notifications\/stream/)]);
      browser.errors.length = 0;
      await bell(page).click();
      await page.getByRole('status').filter({ hasText: 'Refreshing periodically' }).waitFor();
      await page.getByRole('list', { name: 'Notifications' }).getByRole('article').first().waitFor();

      const held = await placeOrder(FOREIGN_REGION);
      await page
        .getByRole('article', { name: 'Order on hold' })
        .filter({ hasText: held.id })
        .getByText('Unread', { exact: true })
        .waitFor();
      expect(browser.errors).toEqual([]);
    });

    it('shows the dealer its recommendations on the portal home, each with its reason in words, and adds one to the cart', async () => {
      const expected = await app.request('GET', '/v1/recommendations?limit=6', {
        token: dealerToken,
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(expected.status, expected.text).toBe(200);
      const items = expected.body.items as { sku: string; name: string; reason: string; detail: string }[];
      expect(items.length, 'the demo dealer has recommendations').toBeGreaterThan(0);

      const page = await browser.page(DESKTOP);
      await signInWithToken(page, app.url, dealerToken);
      const section = page.getByRole('region', { name: '为您推荐' });
      const reasonWords: Record<string, string> = {
        due_to_reorder: '该补货了',
        bought_together: '常一起购买',
        popular_in_region: '本区域热销',
        promoted_for_you: '专属促销',
      };
      for (const recommendation of items) {
        const card = section.getByRole('article', { name: recommendation.name });
        await card.getByText(recommendation.detail, { exact: true }).waitFor();
        await card.getByText(reasonWords[recommendation.reason]!, { exact: true }).waitFor();
      }
      const first = items[0]!;
      await section.getByRole('article', { name: first.name }).getByRole('button', { name: '加入购物车', exact: true }).click();
      await page.getByRole('button', { name: '购物车 (1)' }).waitFor();
      // Searching hides them: the page is the search's.
      await page.getByRole('searchbox', { name: '搜索商品' }).fill('统一');
      await section.waitFor({ state: 'detached' });
      expect(browser.errors).toEqual([]);
    });

    it('fits a phone: recommendations and the open inbox without sideways scrolling', async () => {
      const page = await browser.page(PHONE);
      await signInWithToken(page, app.url, dealerToken);
      await page.getByRole('region', { name: '为您推荐' }).getByRole('article').first().waitFor();
      const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(await overflow()).toBeLessThanOrEqual(0);
      await liveBell(page);
      await bell(page).click();
      const list = page.getByRole('list', { name: '消息通知' });
      await list.getByRole('article').first().waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      expect(browser.errors).toEqual([]);
    });

    it("shows a shipment's location, ETA and exception from the carrier's webhooks on the order, and the delay in the bell", async () => {
      const order = await placeOrder(REGION);
      expect(order.status).toBe('approved');
      const page = await browser.page(DESKTOP);
      await signInWithToken(page, app.url, dealerToken);
      await liveBell(page);

      const shipmentId = `SHP-WEB-${order.id}`;
      const tell = async (type: string, data: Record<string, unknown>) => {
        const response = await postWebhook(app, 'logistics', { type, data: { orderId: order.id, shipmentId, ...data } });
        expect(response.status, response.text).toBe(202);
        expect(response.body.status).toBe('accepted');
      };
      await tell('shipment.dispatched', { carrier: 'SF', trackingNumber: 'SF9000000001' });
      await tell('shipment.in_transit', { location: '杭州转运中心', eta: '2030-05-01T18:00:00+08:00' });
      await tell('shipment.exception', { reason: '道路积雪封闭', eta: '2030-05-02T18:00:00+08:00' });

      // The exception delayed the shipment: the dealer hears of it before it calls.
      await bell(page).click();
      const delayed = page.getByRole('article', { name: '货件延误' }).filter({ hasText: order.id });
      await delayed.waitFor();
      await delayed.getByRole('link', { name: '货件延误' }).click();
      await expect.poll(() => page.url()).toContain(`/portal/orders/${order.id}`);
      await eventually(async () => {
        const detail = await app.request('GET', `/v1/orders/${order.id}`, { token: dealerToken });
        return detail.body.shipments?.[0]?.exceptions?.length === 1 ? true : undefined;
      });
      await page.reload();

      await page.getByText(shipmentId, { exact: true }).first().waitFor();
      await page.getByText('杭州转运中心', { exact: true }).waitFor();
      await page.getByText(shanghai('2030-05-02T10:00:00Z'), { exact: true }).waitFor();
      const exceptions = page.getByRole('list', { name: `运输异常 ${shipmentId}` });
      await exceptions.getByText(/道路积雪封闭/).waitFor();
      // The timeline tells each report in words.
      await page.getByText(`${shipmentId} · 当前位置: 杭州转运中心 · 预计送达: ${shanghai('2030-05-01T10:00:00Z')}`).waitFor();
      await page
        .getByText(
          `${shipmentId} · 承运商报告异常 · 道路积雪封闭 · 原预计送达: ${shanghai('2030-05-01T10:00:00Z')} · 预计送达: ${shanghai('2030-05-02T10:00:00Z')}`,
        )
        .waitFor();
      expect(browser.errors).toEqual([]);
    });

    it('refuses a subscription to a metadata address on its URL field, creates one showing its secret once, and deletes it', async () => {
      const page = await browser.page(DESKTOP);
      await signInWithToken(page, app.url, dealerToken);
      await page.getByRole('link', { name: '消息订阅', exact: true }).click();
      await page.getByText('暂无订阅').waitFor();
      // Staff events are not offered to a dealer.
      expect(await page.getByRole('checkbox', { name: /stock\.low/ }).count()).toBe(0);

      const bad = { url: 'http://169.254.169.254/latest/meta-data', events: ['order.approved'] };
      const refusal = await app.request('POST', '/v1/subscriptions', { token: dealerToken, body: bad });
      expect(refusal.status).toBe(400);
      const urlMessage = (refusal.body.errors as { path: string; message: string }[]).find((error) => error.path === 'body.url')!.message;

      const url = page.getByRole('textbox', { name: '接收地址' });
      await url.fill(bad.url);
      await page.getByRole('checkbox', { name: '订单已批准 (order.approved)' }).check();
      await page.getByRole('checkbox', { name: '货件延误 (shipment.delayed)' }).check();
      await page.getByRole('button', { name: '添加订阅', exact: true }).click();
      await page.locator('.ant-form-item-explain-error').filter({ hasText: urlMessage }).waitFor();
      // The refusal is the only error the browser saw.
      expect(browser.errors).toEqual([expect.stringMatching(/status of 400 .*\/v1\/subscriptions/)]);
      browser.errors.length = 0;

      const good = 'http://127.0.0.1:9/dealerline-hook';
      await url.fill(good);
      await page.getByRole('button', { name: '添加订阅', exact: true }).click();
      const secret = (await page.getByTestId('subscription-secret').textContent())!;
      expect(secret.length).toBeGreaterThanOrEqual(16);
      const listed = await eventually(async () => {
        const list = await app.request('GET', '/v1/subscriptions', { token: dealerToken });
        return list.body.items.length === 1 ? list.body.items[0] : undefined;
      });
      expect(listed).toMatchObject({ url: good, events: ['order.approved', 'shipment.delayed'] });
      expect(secret.endsWith(listed.secretHint.replace('…', ''))).toBe(true);
      const row = page.getByRole('row').filter({ hasText: listed.id });
      await row.getByText('货件延误', { exact: true }).waitFor();
      // Shown once: not in the list, and gone after a reload.
      expect(await page.getByText(secret).count()).toBe(1);
      await page.reload();
      await row.waitFor();
      expect(await page.getByText(secret).count()).toBe(0);

      await row.getByRole('button', { name: `删除 ${good}` }).click();
      await page.getByRole('button', { name: '确认', exact: true }).click();
      await row.waitFor({ state: 'detached' });
      await eventually(async () =>
        (await app.request('GET', '/v1/subscriptions', { token: dealerToken })).body.items.length === 0 ? true : undefined,
      );

      // Staff subscribe to stock alerts too.
      const opsPage = await browser.page(DESKTOP);
      await signInWithToken(opsPage, app.url, app.token('ops'));
      await opsPage.getByRole('link', { name: '消息订阅', exact: true }).click();
      await opsPage.getByRole('checkbox', { name: '库存不足预警 (stock.low)' }).waitFor();
      expect(browser.errors).toEqual([]);
    });
  });
}
