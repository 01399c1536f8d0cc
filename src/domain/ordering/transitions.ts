// The refusal every order command gives when the order's status does not allow it (409).
import { refuse } from '../shared/decider.ts';

export const illegal = (status: string, action: string) =>
  refuse('illegal_transition', `An order that is ${status.replaceAll('_', ' ')} cannot be ${action}`, 'conflict');
