// When the last document has been unloaded, run one full garbage collection so the memory of
// large documents goes back to the system instead of waiting for the next allocation burst.
// `gc` is exposed at run time (no command-line flag to forget in deployment scripts).
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
	if (gc === undefined) {
		try {
			v8.setFlagsFromString('--expose-gc');
			gc = vm.runInNewContext('gc') as () => void;
		} catch {
			gc = null;
		}
	}
	gc?.();
}
