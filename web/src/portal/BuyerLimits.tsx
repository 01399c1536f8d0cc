// A buyer's spending limits and what it has spent this month; over them (the quote says so), the
// order will wait for the owner.
import { Alert, Space, Typography } from 'antd';
import type { Reason } from '../api/types.ts';
import { money } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';
import { useCurrentUser } from './dealer.ts';

export function BuyerLimits({ overLimit }: { overLimit?: Reason | undefined }) {
  const t = useT();
  const user = useCurrentUser();
  const limits = user.dealerRole === 'buyer' ? user.spendingLimits : null;
  if (!limits || (limits.perOrderMinor == null && limits.perMonthMinor == null)) return null;
  const spent = user.spending?.spentMinor;
  return (
    <Alert
      type={overLimit ? 'warning' : 'info'}
      showIcon
      title={t.cart.limits}
      description={
        <Space orientation="vertical" size={0}>
          {limits.perOrderMinor != null && (
            <span>
              {t.cart.perOrder}: {money(limits.perOrderMinor)}
            </span>
          )}
          {limits.perMonthMinor != null && (
            <span>
              {t.cart.perMonth}: {money(limits.perMonthMinor)}
            </span>
          )}
          {spent !== undefined && (
            <span>
              {t.cart.spentThisMonth}: {money(spent)}
              {limits.perMonthMinor != null && ` (${t.cart.leftThisMonth} ${money(Math.max(0, limits.perMonthMinor - spent))})`}
            </span>
          )}
          {overLimit && (
            <>
              <strong>{t.cart.overLimit}</strong>
              <Typography.Text type="secondary">{overLimit.detail}</Typography.Text>
            </>
          )}
        </Space>
      }
    />
  );
}
