import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A random, URL-safe identifier (80 bits, 16 characters of base32). */
export function newId(): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(10));
}

export const ID_PATTERN = /^[a-z2-7]{16}$/;
