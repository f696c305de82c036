// Loopback networking for tests and the benchmark. No Vitest import: tests/bench loads it
// outside Vitest.
import http from 'node:http';
import net from 'node:net';

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

/** The status of a GET on loopback (the body is drained so the socket is released). */
export function httpGet(port: number, path: string): Promise<number> {
	return new Promise((resolve, reject) =>
		http
			.get({ port, path, host: '127.0.0.1' }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			})
			.on('error', reject)
	);
}
