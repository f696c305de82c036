// Builds the production server once, before any test file runs: the tests that spawn the real
// process must not each build it (two parallel `vite build`s would corrupt the output).
import { ensureBuild } from '../../server/scripts/ensure-build.js';

export default function setup(): void {
	ensureBuild();
}
