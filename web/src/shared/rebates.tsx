// A rebate's tier as a percent, and how far a dealer's basis is from its next tier: the console's
// program page and the dealer's own rebates page both show these.
import { Progress, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { DealerRebate } from '../api/types.ts';
import { money } from '../format.ts';
import { useT } from '../i18n/i18n.tsx';

/** Whether `instant` has passed; re-renders when it passes, so a page left open changes with it (a program ends, settling is allowed). */
export function usePassed(instant: string | undefined): boolean {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!instant) return;
    const wait = Date.parse(instant) - now;
    if (wait < 0) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(wait + 100, 2_000_000_000));
    return () => clearTimeout(timer);
  }, [instant, now]);
  return instant !== undefined && now >= Date.parse(instant);
}

/** `2` → `2%`, `1.5` → `1.5%`. */
export const percentText = (percent: number) => `${Number(percent.toFixed(2))}%`;

/** Towards the next tier: the bar is the basis as a share of where the next tier starts, the words what is missing. */
export function NextTierProgress({ basisMinor, nextTier }: { basisMinor: number; nextTier: NonNullable<DealerRebate['nextTier']> }) {
  const t = useT();
  const percent = nextTier.fromMinor > 0 ? Math.max(0, Math.min(100, Math.floor((basisMinor / nextTier.fromMinor) * 1000) / 10)) : 0;
  const words = t.rebates.missing(money(nextTier.missingMinor), percentText(nextTier.percent));
  return (
    <div style={{ minWidth: 200 }}>
      <Progress percent={percent} size="small" showInfo={false} aria-label={words} />
      <Typography.Text style={{ fontSize: 12 }}>{words}</Typography.Text>
    </div>
  );
}
