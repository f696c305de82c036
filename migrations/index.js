// Explicit list, in order: the built server never globs the disk for migrations.
import * as m0001 from './0001_init.js';
import * as m0002 from './0002_coproductions.js';
import * as m0003 from './0003_journal_batches.js';
import * as m0004 from './0004_search_folded.js';
import * as m0005 from './0005_search_words.js';
import * as m0006 from './0006_search_stems.js';
import * as m0007 from './0007_territory_time_zone.js';
import * as m0008 from './0008_access_requests.js';
import * as m0009 from './0009_login_throttle.js';
import * as m0010 from './0010_unreadable_storage.js';
import * as m0011 from './0011_document_versions.js';
import * as m0012 from './0012_visits_and_restores.js';
import * as m0013 from './0013_version_changes.js';
import * as m0014 from './0014_clubs_and_comments.js';
import * as m0015 from './0015_outbox.js';
import * as m0016 from './0016_distribution_lists.js';
import * as m0017 from './0017_document_lifecycle.js';

export const migrations = {
	'0001_init': m0001,
	'0002_coproductions': m0002,
	'0003_journal_batches': m0003,
	'0004_search_folded': m0004,
	'0005_search_words': m0005,
	'0006_search_stems': m0006,
	'0007_territory_time_zone': m0007,
	'0008_access_requests': m0008,
	'0009_login_throttle': m0009,
	'0010_unreadable_storage': m0010,
	'0011_document_versions': m0011,
	'0012_visits_and_restores': m0012,
	'0013_version_changes': m0013,
	'0014_clubs_and_comments': m0014,
	'0015_outbox': m0015,
	'0016_distribution_lists': m0016,
	'0017_document_lifecycle': m0017
};
