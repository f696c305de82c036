// Smoke test of `npm run bench -- --quick`: it must run end to end against both servers and
// lose nothing. Timings are printed by the bench, never asserted here (this machine is noisy).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBuiltServer } from '../helpers/process';

useBuiltServer();

describe('benchmark (quick)', () => {
	it('runs both servers through every workload, and no update is lost', async () => {
		const stdout = await new Promise<string>((resolve, reject) =>
			execFile(
				process.execPath,
				['--expose-gc', '--import', 'tsx', 'tests/bench/run.ts', '--quick'],
				{
					cwd: path.resolve(import.meta.dirname, '../..'),
					timeout: 170_000,
					maxBuffer: 16 * 1024 * 1024
				},
				(error, out) => (error ? reject(error) : resolve(out))
			)
		);
		const json = JSON.parse(stdout.trim().split('\n').pop()!);
		expect(json.quick).toBe(true);
		expect(json.summary.ours.noUpdateLost).toBe(true);
		expect(json.summary.reference.noUpdateLost).toBe(true);
		expect(json.summary.ours.storedEqualsTrace).toBe(true);
		for (const key of [
			'replayEditsPerSecond',
			'fanoutP99',
			'coldOpenMs',
			'kbPerIdleConnection',
			'idleCpuMsPerSecond'
		])
			expect(Number.isFinite(json.summary.ours[key])).toBe(true);
		expect(stdout).toContain('| Trace replay (edits/s, higher is better)');
		// The document page was read on the simulated slow line, and the dashboard loads no editor.
		expect(Number.isFinite(json.summary.ours.page.textVisibleMs)).toBe(true);
		expect(json.summary.ours.page.dashboardEditorScriptKB).toBe(0);
	}, 180_000);
});
