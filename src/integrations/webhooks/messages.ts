// How a partner module handles one type of webhook message: the zod schema of its `data` (checked
// before anything is written) and what it does, through the same processes the API uses.
import type { z } from 'zod';
import type { Refusal } from '../../domain/shared/decider.ts';
import type { CommandContext } from '../../eventstore/command-handler.ts';
import type { JsonObject } from '../../eventstore/port.ts';
import type { WebhookContext, WebhookMessage } from './inbox.ts';

export type MessageFieldError = { path: string; message: string };

export type MessageContext = WebhookContext & {
  /** Who acts in the commands the message leads to: the partner, correlated by the message id. */
  command: CommandContext;
  /** Appends an event about the message to its own stream, under a deterministic id. */
  record: (type: string, data: JsonObject) => Promise<void>;
};

export type MessageHandler = {
  /** Field errors of the message's `data` (paths from `data`); none when it is valid. */
  check(data: unknown): MessageFieldError[];
  /** Applies a checked message; the business refusing it is returned (to be recorded), not thrown. */
  apply(message: WebhookMessage, context: MessageContext): Promise<Refusal | undefined>;
};

export function messageHandler<Schema extends z.ZodType>(
  schema: Schema,
  apply: (data: z.output<Schema>, message: WebhookMessage, context: MessageContext) => Promise<Refusal | undefined>,
): MessageHandler {
  return {
    check(data) {
      const parsed = schema.safeParse(data);
      return parsed.success
        ? []
        : parsed.error.issues.map((issue) => ({ path: ['data', ...issue.path.map(String)].join('.'), message: issue.message }));
    },
    apply: (message, context) => apply(schema.parse(message.data), message, context),
  };
}
