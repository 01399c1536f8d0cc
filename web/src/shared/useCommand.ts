// A command from a screen: on success a message and a refresh of the queries it changes.
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App } from 'antd';

/** A command: on success a message and a refresh of the queries it changes; the error stays on the mutation for the caller to show beside its button. */
export function useCommand<Vars, Result>(
  run: (vars: Vars) => Promise<Result>,
  options: {
    success?: (result: Result, vars: Vars) => string;
    invalidate?: QueryKey[];
    onSuccess?: (result: Result, vars: Vars) => void;
  } = {},
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
