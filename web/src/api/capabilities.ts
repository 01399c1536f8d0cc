// What this server offers beyond the original API (accounts, buyer approvals, import preview):
// read once from its OpenAPI document, so the app neither shows a feature the server lacks nor
// calls a route that is not there.
type OpenApi = { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };

export type Capabilities = { me: boolean; users: boolean; dealerApproval: boolean; importPreview: boolean };

let loaded: Promise<Capabilities> | null = null;

async function load(): Promise<Capabilities> {
  const response = await fetch('/openapi.json');
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  const { paths } = (await response.json()) as OpenApi;
  const importParameters = paths['/v1/orders/import']?.post?.parameters ?? [];
  return {
    me: Boolean(paths['/v1/me']?.get),
    users: Boolean(paths['/v1/users']),
    dealerApproval: Boolean(paths['/v1/orders/{id}/dealer-approve']),
    importPreview: importParameters.some((parameter) => parameter.in === 'query' && parameter.name === 'preview'),
  };
}

export function capabilities(): Promise<Capabilities> {
  loaded ??= load().catch((error: unknown) => {
    loaded = null;
    throw error;
  });
  return loaded;
}
