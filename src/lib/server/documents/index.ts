export { documentAccess, type Actor, type DocumentAccess, type Granted } from './access';
// Changes go through the commands; of the write queries, only setMember stays public, for
// tests that seed participants.
export * as commands from './commands/index';
export {
	closeRightsChanged,
	type CommandFailure,
	type CommandResult,
	type CommandSuccess,
	type RightsChanged,
	type RightsHub
} from './commands/index';
export {
	epciFirst,
	getDocument,
	listMembers,
	listOrganisationMembers,
	listTerritoryDocuments,
	setMember,
	type DocumentMember,
	type DocumentSummary,
	type NewDocument,
	type OrganisationMember
} from './queries';
export {
	checkBinome,
	checkTitle,
	parseMetadata,
	parseNewDocument,
	SUMMARY_MAX_LENGTH,
	TITLE_MAX_LENGTH
} from './rules';
export {
	appendJournal,
	appendUpdates,
	loadStoredState,
	saveSnapshot,
	type JournalAppend,
	type JournalEntry,
	type StoredState
} from './journal';
export { plainText, updateFromProsemirrorJson } from './content';
