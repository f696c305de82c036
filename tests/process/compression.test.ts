// On a slow line every byte counts: pages are compressed on the fly, static assets were
// compressed at build time.
import http from 'node:http';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '../helpers/db';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let port: number;
beforeAll(async () => {
	const { url } = await freshDb();
	port = await freePort();
	await spawnServer(port, url);
}, 60_000);

function get(path: string, encoding: string) {
	return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
		(resolve, reject) =>
			http
				.get({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': encoding } }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () =>
						resolve({
							status: res.statusCode ?? 0,
							headers: res.headers,
							body: Buffer.concat(chunks)
						})
					);
				})
				.on('error', reject)
	);
}

describe('compression', () => {
	it('sends the HTML of a page in brotli (or gzip) when the browser accepts it, and plain otherwise', async () => {
		const br = await get('/connexion', 'gzip, deflate, br');
		expect([br.status, br.headers['content-encoding']]).toEqual([200, 'br']);
		expect(zlib.brotliDecompressSync(br.body).toString()).toContain('<h1>Connexion</h1>');
		const gzip = await get('/connexion', 'gzip');
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(zlib.gunzipSync(gzip.body).toString()).toContain('<h1>Connexion</h1>');
		const plain = await get('/connexion', 'identity');
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString()).toContain('<h1>Connexion</h1>');
	});

	it('serves the application’s scripts precompressed', async () => {
		const page = (await get('/connexion', 'identity')).body.toString();
		const script = /\/_app\/immutable\/[^"']+\.js/.exec(page)?.[0];
		expect(script).toBeDefined();
		const br = await get(script!, 'br');
		expect([br.status, br.headers['content-encoding']]).toEqual([200, 'br']);
		const plain = await get(script!, 'identity');
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
	});
});
