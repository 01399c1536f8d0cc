// Small hooks the screens share: a debounced value, commands that refresh what they change, and
// what this server offers (read from its OpenAPI document, for features other work adds).
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App } from 'antd';
import { useEffect, useState } from 'react';
import { capabilities } from '../api/capabilities.ts';

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** A command: on success a message and a refresh of the queries it changes; the error stays on the mutation for the caller to show beside its button. */
export function useCommand<Vars, Result>(
  run: (vars: Vars) => Promise<Result>,
  options: { success?: (result: Result, vars: Vars) => string; invalidate?: QueryKey[]; onSuccess?: (result: Result, vars: Vars) => void } = {},
) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: run,
    onSuccess: async (result, vars) => {
      if (options.success) void message.success(options.success(result, vars));
      await Promise.all((options.invalidate ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      options.onSuccess?.(result, vars);
    },
  });
}

/** Features that work in progress elsewhere adds to the API; a screen offers them only when the server has them. */
export function useCapabilities() {
  return useQuery({ queryKey: ['capabilities'], staleTime: Infinity, queryFn: capabilities });
}
