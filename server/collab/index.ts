// The collaboration server: y-websocket protocol over `ws`, sharing the app's HTTP server.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type * as Y from 'yjs';
import { WebSocketServer, type WebSocket } from 'ws';
import * as encoding from 'lib0/encoding';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import { releaseDatabaseMemory, type Db } from '../../src/lib/server/db';
import type { CollabHub } from '../../src/lib/server/runtime';
import { COLLAB_DEFAULTS, type CollabSettings, type Config } from '../../src/lib/server/config';
import {
	authenticateUpgrade,
	documentIdFromPath,
	type ConnectionContext
} from './authenticate-upgrade';
import { Room, type RoomHost, type RoomOptions } from './room';
import { encodeMessage } from './connection';
import { UnreadableStorageError } from '../../src/lib/server/documents/journal';
import { recordDamage } from '../../src/lib/server/documents/storage-damage';
import { storedSessionEnds } from '../../src/lib/server/auth/session';
import { releaseMemory } from './release-memory';
import { JournalWriter } from './journal-writer';
import { securityHeaderLines } from '../security-headers';

const SECOND_RELEASE_AFTER_MS = 2_000;
/** A document failing again within this delay is not diagnosed again (a diagnosis is a full load). */
const DAMAGE_REPORT_INTERVAL_MS = 60_000;

export type CollabOptions = CollabSettings & {
	/** Expected Origin header; empty: must match the Host header. */
	origin: string;
};

export function collabOptionsFromConfig(config: Config): Partial<CollabOptions> {
	return {
		maxPayload: config.collabMaxPayload,
		unloadDelayMs: config.collabUnloadDelayMs,
		compactEvery: config.collabCompactEvery,
		origin: config.origin
	};
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	500: 'Internal Server Error',
	503: 'Service Unavailable'
};

export class CollabServer implements CollabHub {
	readonly rooms = new Map<string, Room>();
	private readonly options: CollabOptions;
	private readonly wss: WebSocketServer;
	private readonly pingTimer: NodeJS.Timeout;
	private closing: Promise<void> | null = null;
	/** When each unreadable document was last diagnosed and recorded for the administrator. */
	private readonly damageReportedAt = new Map<string, number>();
	private readonly roomHost: RoomHost = {
		unloaded: (room) => this.forget(room)
	};
	/** Stores the updates of every document, one transaction after each socket read (journal-writer.ts). */
	private readonly writer: JournalWriter;

	constructor(
		private readonly db: Db,
		options: Partial<CollabOptions> = {},
		private readonly log: (message: string) => void = () => {}
	) {
		this.options = { ...COLLAB_DEFAULTS, origin: '', ...options };
		this.writer = new JournalWriter(db, log);
		this.wss = new WebSocketServer({ noServer: true, maxPayload: this.options.maxPayload });
		// Checked often, but each connection is pinged once per interval counted from its own
		// arrival: pinging everyone at the same instant made a burst of hundreds of frames (and
		// as many pongs) that delayed the typing around it.
		this.pingTimer = setInterval(
			() => this.guard('ping', () => this.pingDue()),
			Math.min(1_000, this.options.pingIntervalMs)
		);
		this.pingTimer.unref();
	}

	/** Whether an upgrade request is for us (other upgrades, e.g. Vite's HMR, are left alone). */
	static handles(req: IncomingMessage): boolean {
		return documentIdFromPath(req.url) !== null;
	}

	async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		socket.on('error', () => socket.destroy());
		if (this.closing) return refuseUpgrade(socket, 503, 'Server restarting');
		// Checked here rather than left to ws, whose own 400 carries none of our headers.
		if (!isWellFormedUpgrade(req)) return refuseUpgrade(socket, 400, 'Bad Request');
		let decision;
		try {
			decision = await authenticateUpgrade(this.db, req, this.options.origin);
		} catch (error) {
			this.log(`collab: upgrade check failed: ${(error as Error).message}`);
			return refuseUpgrade(socket, 500, 'Internal error');
		}
		if (!decision.ok) return refuseUpgrade(socket, decision.status, decision.reason);
		const context = decision.context;
		this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, context));
	}

	private async accept(ws: WebSocket, context: ConnectionContext): Promise<void> {
		// Frames that arrive while the document loads wait in the socket, not in our memory.
		ws.pause();
		// Until the room owns the socket, an oversized or failed frame still closes it cleanly.
		ws.on('error', () => ws.terminate());
		try {
			const room = await this.acquireRoom(context.documentId);
			if (this.closing) return closePaused(ws, CloseCode.serverRestarting, 'server restarting');
			room.join(ws, context, Date.now() + this.options.pingIntervalMs);
			ws.resume();
		} catch (error) {
			if (error instanceof UnreadableStorageError) {
				this.log(`collab: ${error.message}`);
				this.reportUnreadable(context.documentId, error);
				return closePaused(ws, CloseCode.documentUnreadable, 'document unreadable');
			}
			this.log(`collab: could not load ${context.documentId}: ${(error as Error).message}`);
			closePaused(ws, CloseCode.serverError, 'load failed');
		}
	}

	private async acquireRoom(documentId: string): Promise<Room> {
		for (;;) {
			let room = this.rooms.get(documentId);
			if (room?.unloading) {
				await room.unloading;
				continue;
			}
			if (!room) {
				room = new Room(
					documentId,
					this.db,
					this.writer,
					this.roomOptions(),
					this.roomHost,
					this.log
				);
				this.rooms.set(documentId, room);
			}
			try {
				await room.loaded;
			} catch (error) {
				room.destroy(); // its presence timer too; the next open tries again
				throw error;
			}
			return room;
		}
	}

	private roomOptions(): RoomOptions {
		const { compactEvery, compactMinIntervalMs, unloadDelayMs, searchIndexDelayMs, versionIdleMs } =
			this.options;
		return {
			compactEvery,
			compactMinIntervalMs,
			unloadDelayMs,
			searchIndexDelayMs,
			versionIdleMs
		};
	}

	/**
	 * Logs which stored rows are at fault and records the damage for the administration page
	 * (documents/storage-damage.ts). Never throws: the process carries on whatever happens here.
	 */
	private reportUnreadable(documentId: string, error: UnreadableStorageError): void {
		const now = Date.now();
		if (now - (this.damageReportedAt.get(documentId) ?? -Infinity) < DAMAGE_REPORT_INTERVAL_MS)
			return;
		this.damageReportedAt.set(documentId, now);
		recordDamage(this.db, documentId, error, now).then(
			(parts) =>
				this.log(
					`collab: document ${documentId} unreadable; rows at fault: ${
						parts.map((p) => `${p.source} ${p.seq} (${p.error})`).join(', ') || 'none alone'
					}`
				),
			(failure: Error) =>
				this.log(`collab: could not record the damage of ${documentId}: ${failure.message}`)
		);
	}

	/** Runs a timer's work so that a throw is logged and never reaches the process. */
	private guard(what: string, work: () => void): void {
		try {
			work();
		} catch (error) {
			this.log(`collab: ${what} failed: ${(error as Error).stack ?? error}`);
		}
	}

	private releaseTimer: NodeJS.Timeout | null = null;

	private forget(room: Room): void {
		if (this.rooms.get(room.documentId) === room) this.rooms.delete(room.documentId);
		// Once the whole server has stayed without documents for a moment (not after each
		// unload: a full GC costs milliseconds, and V8 only shrinks its heap once allocation
		// has calmed down). Re-armed by every unload, so a burst of unloads releases once.
		if (this.rooms.size === 0 && !this.closing)
			this.scheduleRelease(this.options.releaseMemoryDelayMs, 1);
	}

	/**
	 * Two passes: V8 sweeps concurrently, so the pages a full GC frees are given back to the
	 * system only by the next one. Measured (tests/bench/memory-probe.ts, full run): after one
	 * pass the process kept 141–146 MB against 109–112 MB idle; the second pass, 2 s later,
	 * brought it to 103 MB.
	 */
	private scheduleRelease(delayMs: number, pass: 1 | 2): void {
		if (this.releaseTimer) clearTimeout(this.releaseTimer);
		this.releaseTimer = setTimeout(() => {
			this.releaseTimer = null;
			if (this.rooms.size > 0 || this.closing) return;
			this.guard('memory release', () => {
				if (pass === 1) releaseDatabaseMemory(this.db);
				releaseMemory();
			});
			if (pass === 1) this.scheduleRelease(SECOND_RELEASE_AFTER_MS, 2);
		}, delayMs);
		this.releaseTimer.unref();
	}

	closeUserConnections(documentId: string, userId: string, code: number, reason: string): number {
		return (
			this.rooms.get(documentId)?.closeWhere((c) => c.context.user.id === userId, code, reason) ?? 0
		);
	}

	closeOrganisationConnections(
		documentId: string,
		organisationId: string,
		code: number,
		reason: string
	): number {
		return (
			this.rooms
				.get(documentId)
				?.closeWhere((c) => c.context.user.organisationId === organisationId, code, reason) ?? 0
		);
	}

	async flushDocument(documentId: string): Promise<void> {
		await this.rooms.get(documentId)?.journal.flush();
	}

	liveDocument(documentId: string): Y.Doc | null {
		const room = this.rooms.get(documentId);
		return room && !room.unloading && !room.destroyed && room.isLoaded ? room.doc : null;
	}

	sendComments(documentId: string, json: string): number {
		const room = this.rooms.get(documentId);
		if (!room || room.destroyed) return 0;
		const frame = encodeMessage(MessageType.comments, (e) => encoding.writeVarString(e, json));
		room.broadcast(frame, null);
		return room.connections.size;
	}

	async applyServerChange(
		documentId: string,
		userId: string,
		change: (doc: Y.Doc) => void
	): Promise<boolean> {
		if (this.closing) throw new Error('server closing');
		const room = await this.acquireRoom(documentId);
		return room.applyServerChange(userId, change);
	}

	closeSessionConnections(sessionId: string, code: number, reason: string): number {
		let count = 0;
		for (const room of this.rooms.values())
			count += room.closeWhere((c) => c.context.sessionId === sessionId, code, reason);
		return count;
	}

	private nextSessionRecheckAt = 0;
	private recheckingSessions = false;

	private pingDue(): void {
		const now = Date.now();
		// One mechanism for sessions: every minute, or as soon as a socket's session reaches the
		// end it had when last read (a page load may have renewed it: the recheck says).
		let sessionEnded = false;
		for (const room of this.rooms.values()) {
			for (const connection of room.connections) {
				if (now >= connection.context.sessionEndsAt) sessionEnded = true;
				if (now < connection.nextPingAt) continue;
				if (!connection.alive) {
					connection.ws.terminate();
					continue;
				}
				connection.alive = false;
				connection.nextPingAt = now + this.options.pingIntervalMs;
				connection.ws.ping();
			}
		}
		if ((sessionEnded || now >= this.nextSessionRecheckAt) && !this.recheckingSessions) {
			this.nextSessionRecheckAt = now + this.options.sessionRecheckMs;
			this.recheckSessions();
		}
	}

	/** Reads every open socket's session again (one query per 500 sessions), see sessionRecheckMs. */
	private recheckSessions(): void {
		const ids = new Set<string>();
		for (const room of this.rooms.values())
			for (const connection of room.connections) ids.add(connection.context.sessionId);
		if (ids.size === 0) return;
		this.recheckingSessions = true;
		storedSessionEnds(this.db, [...ids])
			.then((ends) => {
				const now = Date.now();
				for (const room of [...this.rooms.values()])
					room.closeWhere(
						(c) => {
							const end = ends.get(c.context.sessionId);
							if (end !== undefined) c.context.sessionEndsAt = end;
							return end === undefined || end <= now;
						},
						CloseCode.sessionEnded,
						'session ended'
					);
			})
			.catch((error: Error) => this.log(`collab: session recheck failed: ${error.message}`))
			.finally(() => (this.recheckingSessions = false));
	}

	/** Graceful shutdown: stores everything pending, compacts, then closes sockets with 1012. Idempotent. */
	close(): Promise<void> {
		this.closing ??= (async () => {
			clearInterval(this.pingTimer);
			if (this.releaseTimer) clearTimeout(this.releaseTimer);
			const rooms = [...this.rooms.values()];
			await Promise.all(rooms.map((room) => room.journal.flush().catch(() => {})));
			for (const room of rooms)
				room.closeWhere(() => true, CloseCode.serverRestarting, 'server restarting');
			await Promise.all(rooms.map((room) => room.unload()));
			await this.writer.flushTouches();
			for (const ws of this.wss.clients) ws.terminate();
			this.wss.close();
		})();
		return this.closing;
	}
}

/** What ws requires of an upgrade request (RFC 6455, 4.2.1), checked before it sees one. */
function isWellFormedUpgrade(req: IncomingMessage): boolean {
	const key = req.headers['sec-websocket-key'];
	return (
		req.method === 'GET' &&
		req.headers.upgrade?.toLowerCase() === 'websocket' &&
		req.headers['sec-websocket-version'] === '13' &&
		typeof key === 'string' &&
		/^[+/0-9A-Za-z]{22}==$/.test(key)
	);
}

/**
 * Closes a socket still paused by accept(): it must read again, or the client's answer to our
 * close frame is never read and the client sees the close only when the 30 s timeout ends it.
 */
function closePaused(ws: WebSocket, code: number, reason: string): void {
	ws.resume();
	ws.close(code, reason);
}

/** An HTTP answer to an upgrade we do not accept, with the security headers, then the socket closed. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
	if (socket.writable) {
		const body = `${status} ${reason}`;
		socket.write(
			`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\n${securityHeaderLines()}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
		);
	}
	socket.destroy();
}
