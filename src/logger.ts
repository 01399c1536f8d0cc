// The pino logger, with secrets and tokens redacted wherever they could appear.
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  'headers.authorization',
  'headers["x-signature"]',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-signature"]',
  '*.*.headers.authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.jwtSecret',
  '*.paymentWebhookSecret',
  '*.logisticsWebhookSecret',
  '*.connectionString',
  '*.databaseUrl',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'dealerline' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
