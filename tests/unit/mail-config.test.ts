// The e-mail settings read from the environment: SMTP_URL needs ORIGIN (links are never built
// from a request's Host), MAIL_FROM has a default from ORIGIN, bad values name their variable.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/lib/server/config';

describe('e-mail configuration', () => {
	it('defaults: no SMTP, a From on the origin’s host, digests from 8 h, a generated key', () => {
		const config = readConfig({ ORIGIN: 'https://assemblier.agglo.fr/' });
		expect(config).toMatchObject({
			smtpUrl: '',
			mailFrom: 'Assemblier <ne-pas-repondre@assemblier.agglo.fr>',
			mailDigestHour: 8,
			appSecret: ''
		});
	});

	it('SMTP_URL is an smtp(s) URL and needs ORIGIN', () => {
		expect(() => readConfig({ SMTP_URL: 'smtp://mail.agglo.fr:587' })).toThrow(/ORIGIN/);
		expect(() => readConfig({ SMTP_URL: 'http://x', ORIGIN: 'https://a.fr' })).toThrow(/SMTP_URL/);
		expect(
			readConfig({ SMTP_URL: 'smtps://u:p@mail.agglo.fr', ORIGIN: 'https://a.fr' }).smtpUrl
		).toBe('smtps://u:p@mail.agglo.fr');
	});

	it('refuses a bad MAIL_FROM, MAIL_DIGEST_HOUR or a short APP_SECRET', () => {
		expect(() => readConfig({ MAIL_FROM: 'personne' })).toThrow(/MAIL_FROM/);
		expect(() => readConfig({ MAIL_FROM: 'a@b.fr\r\nBcc: x@y.fr' })).toThrow(/MAIL_FROM/);
		expect(() => readConfig({ MAIL_DIGEST_HOUR: '24' })).toThrow(/MAIL_DIGEST_HOUR/);
		expect(() => readConfig({ APP_SECRET: 'court' })).toThrow(/APP_SECRET/);
	});
});
