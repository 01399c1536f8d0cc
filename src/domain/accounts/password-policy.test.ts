import { describe, expect, it } from 'vitest';
import { containsUsername, isCommonPassword, passwordSchema } from './password-policy.ts';

describe('password policy', () => {
  it('refuses short and common passwords, whatever their case', () => {
    expect(passwordSchema.safeParse('short-pass').success).toBe(false);
    expect(isCommonPassword('QwertyUiop123')).toBe(true);
    expect(passwordSchema.safeParse('qwertyuiop123').success).toBe(false);
    expect(passwordSchema.safeParse('tea kettle on the balcony').success).toBe(true);
  });

  it('spots the username inside a password', () => {
    expect(containsUsername('my-Li.Wei-2026!', 'li.wei')).toBe(true);
    expect(containsUsername('tea kettle on the balcony', 'li.wei')).toBe(false);
  });
});
