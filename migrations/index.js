// Explicit list, in order: the built server never globs the disk for migrations.
import * as m0001 from './0001_init.js';

export const migrations = {
	'0001_init': m0001
};
