// Giving memory back to the system once the server has nothing loaded.
//
// A long session (a 260k-edit paper replayed, hundreds of typists) leaves the process at its
// high-water mark even after every document is unloaded: V8 keeps its grown heap until a
// collection sees low allocation, and glibc's malloc keeps freed chunks of its arenas (socket
// read buffers, update bytes) because they are fragmented, not at the top of the heap. Measured
// with tests/bench/memory-probe.ts: 175 MB 30 s after the clients left against 107 MB idle;
// one full GC plus malloc_trim(0) brings it back to 108 MB. `gc` exists when the process is
// started with --expose-gc (npm start and the documented production command pass it);
// malloc_trim is called through a small FFI (koffi), on glibc only.
//
// Why not an allocator setting instead of the FFI (tests/bench/memory-probe.ts, full run, RSS
// 30 s after the clients left against idle, two runs each, with the two-pass release):
// malloc_trim +2 % / −9 %; MALLOC_ARENA_MAX=2 alone +29 % / +30 %; nothing +16 % / +115 %;
// MALLOC_ARENA_MAX=2 with MALLOC_MMAP_THRESHOLD_=65536 and MALLOC_TRIM_THRESHOLD_=131072 +2 % /
// −2 %, but every start command would have to set them, and every allocation of 64 KB or more
// becomes an mmap/munmap pair. The trim needs nothing from whoever starts the process.
import { createRequire } from 'node:module';

let gc: (() => void) | null | undefined;
let mallocTrim: ((pad: number) => number) | null | undefined;

function loadGc(): (() => void) | null {
	return typeof globalThis.gc === 'function' ? globalThis.gc : null;
}

function loadMallocTrim(): ((pad: number) => number) | null {
	// glibc only: elsewhere (musl has no libc.so.6, macOS, Windows) loading fails and we skip it.
	if (process.platform !== 'linux') return null;
	try {
		const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
		return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
	} catch {
		return null;
	}
}

/** A full garbage collection, then free arena pages handed back to the system. */
export function releaseMemory(): { collected: boolean; trimmed: boolean } {
	if (gc === undefined) gc = loadGc();
	if (mallocTrim === undefined) mallocTrim = loadMallocTrim();
	gc?.();
	// Returns 1 when pages were given back, 0 when there was nothing to give: both are fine.
	mallocTrim?.(0);
	return { collected: gc !== null, trimmed: mallocTrim !== null };
}
