// What one reader has read of its inbox (`inbox-<reader>`, the reader being a token's subject: a
// user, or whoever a CLI-minted token names). Reading something again changes nothing.
import type { Decider, DomainEvent } from '../shared/decider.ts';
import { Set as PersistentSet } from 'immutable';

export const inboxStream = (reader: string) => `inbox-${reader}`;

/** `notificationId`: the id of the event the notification came from. */
export type NotificationReadData = { reader: string; notificationId: string; readAt: string };

export type InboxEvent = DomainEvent<'NotificationRead', NotificationReadData>;

export const inboxEventTypes = ['NotificationRead'] as const;

export type InboxCommand = { type: 'MarkNotificationRead'; data: NotificationReadData };

export type InboxState = { read: PersistentSet<string> };

export const inboxDecider: Decider<InboxCommand, InboxEvent, InboxState> = {
  initialState: { read: PersistentSet<string>() },
  decide: (command, state) => (state.read.has(command.data.notificationId) ? [] : [{ type: 'NotificationRead', data: command.data }]),
  evolve: (state, event) => ({ read: state.read.add(event.data.notificationId) }),
};
