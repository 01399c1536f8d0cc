// The subscriptions' table on the write side (secrets.ts keeps and reads it), for src/db/schema.ts.
export type SubscriptionSecretsTables = {
  'notify.subscription_secrets': { subscription_id: string; secret: string; created_at: Date };
};
