export { documentAccess, type Actor, type DocumentAccess, type Granted } from './access';
export {
	createDocument,
	epciFirst,
	getDocument,
	listMembers,
	listOrganisationMembers,
	listTerritoryDocuments,
	removeMember,
	removeOrganisationMember,
	setBinome,
	setMember,
	setOrganisationMember,
	updateMetadata,
	type DocumentMember,
	type DocumentSummary,
	type NewDocument,
	type OrganisationMember
} from './queries';
export { checkBinome, checkTitle, parseMetadata, parseNewDocument, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH } from './rules';
export { appendJournal, appendUpdates, loadStoredState, saveSnapshot, type JournalAppend, type JournalEntry, type StoredState } from './journal';
export { plainText, updateFromProsemirrorJson } from './content';
