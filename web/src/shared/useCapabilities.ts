// What this server offers (read from its OpenAPI document), as a query the screens share.
import { useQuery } from '@tanstack/react-query';
import { capabilities } from '../api/capabilities.ts';

/** Features that work in progress elsewhere adds to the API; a screen offers them only when the server has them. */
export function useCapabilities() {
  return useQuery({ queryKey: ['capabilities'], staleTime: Infinity, queryFn: capabilities });
}
