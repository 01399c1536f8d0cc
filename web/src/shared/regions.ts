// The region codes staff pick from: warehouses' regions and dealers' territories (what the API knows as regions).
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import type { Dealer, Page, Warehouse } from '../api/types.ts';

export function useRegionCodes(): string[] {
  const warehouses = useQuery({
    queryKey: ['warehouses'],
    staleTime: 60_000,
    queryFn: ({ signal }) => get<Page<Warehouse>>('/v1/warehouses', { limit: 500 }, signal),
  });
  const dealers = useQuery({
    queryKey: ['dealers', 'all'],
    queryFn: ({ signal }) => get<Page<Dealer>>('/v1/dealers', { limit: 500 }, signal),
  });
  const codes = new Set([
    ...(warehouses.data?.items ?? []).map((warehouse) => warehouse.regionCode),
    ...(dealers.data?.items ?? []).flatMap((dealer) => dealer.territories),
  ]);
  return [...codes].sort();
}
