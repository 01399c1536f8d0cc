// What a password must be: long enough, and not one of the passwords attackers try first.
import { dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing it costs no more than usual. */
export const PASSWORD_MAX_LENGTH = 256;

/** zxcvbn-ts's list of the most common passwords (about 50 000, from public breach corpora). */
const COMMON = new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .refine((password) => !isCommonPassword(password), 'is one of the most common passwords')
  .describe(
    `${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters, not one of the ~50 000 most common passwords, not containing the username.`,
  );

/** A password that contains the username is as guessable as the username. */
export function containsUsername(password: string, username: string): boolean {
  return password.toLowerCase().includes(username.trim().toLowerCase());
}
