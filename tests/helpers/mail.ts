// A real SMTP server (the `smtp-server` package) on a free port, for the sender's tests: it keeps
// what it receives, decoded enough to read (headers, the text and HTML parts), and can refuse
// recipients with a reply code of our choosing.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

export interface ReceivedMail {
	envelopeTo: string[];
	from: string;
	to: string;
	subject: string;
	text: string;
	html: string;
	raw: string;
}

export interface TestSmtpServer {
	url: string;
	received: ReceivedMail[];
	/** Refuse every RCPT TO with this reply (null: accept). */
	refuseWith: { code: number; message: string } | null;
	close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
	const state: TestSmtpServer = {
		url: '',
		received: [],
		refuseWith: null,
		close: async () => {}
	};
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onRcptTo(_address, _session, callback) {
			if (!state.refuseWith) return callback();
			const error = new Error(state.refuseWith.message) as Error & { responseCode: number };
			error.responseCode = state.refuseWith.code;
			callback(error);
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				state.received.push({
					...parseMail(raw),
					envelopeTo: session.envelope.rcptTo.map((r) => r.address),
					raw
				});
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.server.address() as AddressInfo;
	state.url = `smtp://127.0.0.1:${port}`;
	let closed: Promise<void> | null = null;
	state.close = () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve())));
	onCleanup(() => state.close());
	return state;
}

// Just enough MIME for what nodemailer writes: headers folded, encoded words, one level of
// multipart/alternative, quoted-printable or base64 parts.
function parseMail(raw: string): Omit<ReceivedMail, 'envelopeTo' | 'raw'> {
	const { headers, body } = splitHeaders(raw);
	const contentType = headers.get('content-type') ?? 'text/plain';
	let text = '';
	let html = '';
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	const parts = boundary
		? body
				.split(`--${boundary}`)
				.slice(1)
				.filter((p) => !p.startsWith('--'))
				.map((p) => splitHeaders(p.replace(/^\r\n/, '')))
		: [{ headers, body }];
	for (const part of parts) {
		const type = part.headers.get('content-type') ?? 'text/plain';
		const decoded = decodeBody(part.body, part.headers.get('content-transfer-encoding') ?? '');
		if (type.startsWith('text/html')) html = decoded;
		else if (type.startsWith('text/plain')) text = decoded;
	}
	return {
		from: decodeWords(headers.get('from') ?? ''),
		to: decodeWords(headers.get('to') ?? ''),
		subject: decodeWords(headers.get('subject') ?? ''),
		text,
		html
	};
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
	const end = raw.indexOf('\r\n\r\n');
	const head = raw.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
	const headers = new Map<string, string>();
	for (const line of head.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return { headers, body: raw.slice(end + 4) };
}

function decodeBody(body: string, encoding: string): string {
	if (/base64/i.test(encoding))
		return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	if (/quoted-printable/i.test(encoding)) return decodeQuotedPrintable(body).replace(/\r\n$/, '');
	return body.replace(/\r\n$/, '');
}

function decodeQuotedPrintable(text: string): string {
	const joined = text.replace(/=\r\n/g, '');
	const bytes: number[] = [];
	for (let i = 0; i < joined.length; i++) {
		if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
			bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
			i += 2;
		} else bytes.push(...Buffer.from(joined[i], 'utf8'));
	}
	return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

function decodeWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
			kind.toUpperCase() === 'B'
				? Buffer.from(data, 'base64').toString('utf8')
				: decodeQuotedPrintable(data.replace(/_/g, ' '))
		);
}
