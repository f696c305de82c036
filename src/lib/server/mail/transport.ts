// SMTP through nodemailer. The sender only knows `MailTransport`: tests hand it a transport to
// an SMTP server they started, or a fake.
import nodemailer from 'nodemailer';

export interface MailEnvelope {
	to: { address: string; name: string };
	subject: string;
	text: string;
	html: string;
}

export interface MailTransport {
	/** Resolves once the server accepted the message; rejects with the server's refusal. */
	send(mail: MailEnvelope): Promise<void>;
	close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
	const transporter = nodemailer.createTransport({
		url,
		// A stalled server must not hold a message past the sender's lease (sender.ts).
		connectionTimeout: 30_000,
		greetingTimeout: 30_000,
		socketTimeout: 60_000
	});
	return {
		async send(mail) {
			await transporter.sendMail({
				from,
				to: { name: mail.to.name, address: mail.to.address },
				subject: mail.subject,
				text: mail.text,
				html: mail.html
			});
		},
		close() {
			transporter.close();
		}
	};
}

/** `smtp://host:port` without the credentials, for the log. */
export function describeSmtpUrl(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}`;
	} catch {
		return 'smtp';
	}
}
