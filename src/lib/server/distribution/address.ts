// E-mail addresses typed by the direction for people without an account. Checked before they
// reach the outbox: a typo found at publication time would be an e-mail nobody receives.
import { EMAIL_MAX_LENGTH } from '../../distribution/vocabulary';

/** Trimmed and lower-cased: two spellings of one address are one recipient. */
export function normaliseEmail(raw: string): string {
	return raw.normalize('NFC').trim().toLowerCase();
}

// Local part: the characters of RFC 5322's dot-atom (no quoted strings, no comments); domain:
// labels of letters, digits and inner hyphens (internationalised letters allowed), a TLD of
// letters. Deliberately stricter than the RFC: what passes here, every SMTP server takes.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const TLD = /^\p{L}{2,}$/u;

/** Whether a normalised address is one we accept (see above). */
export function isValidEmail(address: string): boolean {
	if (address.length === 0 || address.length > EMAIL_MAX_LENGTH) return false;
	const at = address.lastIndexOf('@');
	if (at <= 0 || address.indexOf('@') !== at) return false;
	const local = address.slice(0, at);
	const labels = address.slice(at + 1).split('.');
	return (
		local.length <= 64 &&
		LOCAL.test(local) &&
		labels.length >= 2 &&
		labels.every((label) => label.length <= 63 && LABEL.test(label)) &&
		TLD.test(labels[labels.length - 1])
	);
}
