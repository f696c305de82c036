// The e-mails' words: French, a plain-text part and an HTML part saying the same thing. Every
// value put into the HTML is escaped here (titles, names and excerpts are users' text).
import { formatDateTime } from '../../components/format';

export interface ComposedMail {
	subject: string;
	text: string;
	html: string;
}

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Subjects stay on one line and short enough for a phone's list. */
function subjectOf(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const chars = [...flat];
	return chars.length <= 150 ? flat : chars.slice(0, 149).join('') + '…';
}

function page(title: string, body: string): string {
	return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:16px;background:#f5f6f8;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1d2330">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #dde1e8;border-radius:6px;padding:20px">
${body}
</div></body></html>`;
}

function button(href: string, label: string): string {
	return `<p><a href="${escapeHtml(href)}" style="display:inline-block;background:#1f4fa3;color:#ffffff;text-decoration:none;padding:8px 14px;border-radius:4px">${escapeHtml(label)}</a></p>`;
}

function quote(excerpt: string): string {
	return `<blockquote style="margin:8px 0;padding-left:10px;border-left:3px solid #dde1e8;color:#5a6272;white-space:pre-line">${escapeHtml(excerpt)}</blockquote>`;
}

export interface NotificationMailInput {
	recipientName: string;
	/** The notification's sentence (lib/notifications/sentences.ts). */
	sentence: string;
	excerpt: string;
	link: string;
	preferencesLink: string;
	/** 'action': sent whatever the preference says, because the recipient is expected to act. */
	reason: 'immediate' | 'action';
}

export function notificationMail(input: NotificationMailInput): ComposedMail {
	const why =
		input.reason === 'action'
			? 'Ce message vous est envoyé quelle que soit votre préférence de notification, car une réponse de votre part est attendue.'
			: 'Vous recevez ce courriel parce que vos notifications vous sont envoyées immédiatement.';
	const text = [
		`Bonjour ${input.recipientName},`,
		'',
		`${input.sentence}.`,
		...(input.excerpt ? ['', `« ${input.excerpt} »`] : []),
		'',
		`Ouvrir : ${input.link}`,
		'',
		'—',
		`Assemblier. ${why}`,
		`Choisir ce que vous recevez : ${input.preferencesLink}`
	].join('\n');
	const html = page(
		input.sentence,
		[
			`<p>Bonjour ${escapeHtml(input.recipientName)},</p>`,
			`<p><strong>${escapeHtml(input.sentence)}.</strong></p>`,
			input.excerpt ? quote(input.excerpt) : '',
			button(input.link, 'Ouvrir dans Assemblier'),
			`<p style="font-size:13px;color:#5a6272">Assemblier. ${escapeHtml(why)} <a href="${escapeHtml(input.preferencesLink)}">Choisir ce que vous recevez</a>.</p>`
		].join('\n')
	);
	return { subject: subjectOf(input.sentence), text, html };
}

export interface DigestItem {
	sentence: string;
	excerpt: string;
	link: string;
	createdAt: number;
}

export interface DigestMailInput {
	recipientName: string;
	items: DigestItem[];
	/** How many more there were than the items listed. */
	more: number;
	/** The day it covers, e.g. « 27 nov. 2026 ». */
	dayLabel: string;
	timeZone: string;
	notificationsLink: string;
	preferencesLink: string;
	unsubscribeLink: string;
}

export function digestMail(input: DigestMailInput): ComposedMail {
	const total = input.items.length + input.more;
	const count = total === 1 ? '1 notification' : `${total} notifications`;
	const subject = `Assemblier : ${count} — résumé du ${input.dayLabel}`;
	const moreLine =
		input.more > 0
			? `… et ${input.more} autre${input.more === 1 ? '' : 's'} : ${input.notificationsLink}`
			: '';
	const text = [
		`Bonjour ${input.recipientName},`,
		'',
		`Voici ce qui s’est passé depuis votre dernier résumé (${count}) :`,
		'',
		...input.items.flatMap((item) => [
			`- ${item.sentence} (${formatDateTime(item.createdAt, input.timeZone)})`,
			...(item.excerpt ? [`  « ${item.excerpt} »`] : []),
			`  ${item.link}`,
			''
		]),
		...(moreLine ? [moreLine, ''] : []),
		`Toutes vos notifications : ${input.notificationsLink}`,
		'',
		'—',
		'Assemblier. Vous recevez ce résumé une fois par jour, comme vous l’avez choisi.',
		`Choisir ce que vous recevez : ${input.preferencesLink}`,
		`Ne plus recevoir ces courriels : ${input.unsubscribeLink}`
	].join('\n');
	const html = page(
		subject,
		[
			`<p>Bonjour ${escapeHtml(input.recipientName)},</p>`,
			`<p>Voici ce qui s’est passé depuis votre dernier résumé (${escapeHtml(count)}) :</p>`,
			'<ul style="padding-left:20px">',
			...input.items.map(
				(item) =>
					`<li style="margin-bottom:10px"><a href="${escapeHtml(item.link)}">${escapeHtml(item.sentence)}</a> <span style="color:#5a6272;font-size:13px">(${escapeHtml(formatDateTime(item.createdAt, input.timeZone))})</span>${item.excerpt ? quote(item.excerpt) : ''}</li>`
			),
			'</ul>',
			input.more > 0 ? `<p>… et ${input.more} autre${input.more === 1 ? '' : 's'}.</p>` : '',
			button(input.notificationsLink, 'Toutes vos notifications'),
			`<p style="font-size:13px;color:#5a6272">Assemblier. Vous recevez ce résumé une fois par jour, comme vous l’avez choisi. <a href="${escapeHtml(input.preferencesLink)}">Choisir ce que vous recevez</a> · <a href="${escapeHtml(input.unsubscribeLink)}">Ne plus recevoir ces courriels</a>.</p>`
		].join('\n')
	);
	return { subject, text, html };
}
