// How a response says which time zone its days are business days in, so clients never guess:
// a `timeZone` field on a JSON object, or the `Business-Time-Zone` header on a stream or file.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { businessTimeZone } from '../domain/shared/calendar.ts';

export const BUSINESS_TIME_ZONE_HEADER = 'business-time-zone';

/** The `timeZone` field of a response whose dates, or whose `from`/`to` given as dates, are business days. */
export const businessTimeZoneField = {
  timeZone: z.string().describe('The business time zone (IANA, BUSINESS_TIME_ZONE) whose days the dates of this response are.'),
};

/** Names the business time zone on a response that is not a JSON object. */
export const sayBusinessTimeZone = (reply: FastifyReply) => reply.header(BUSINESS_TIME_ZONE_HEADER, businessTimeZone());

/** A JSON response body with its `timeZone`. */
export const withBusinessTimeZone = <Body extends object>(body: Body): Body & { timeZone: string } => ({
  ...body,
  timeZone: businessTimeZone(),
});
