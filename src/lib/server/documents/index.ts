export { documentAccess, type Actor, type DocumentAccess } from './access';
export {
	checkTitle,
	createDocument,
	getDocument,
	listMembers,
	listTerritoryDocuments,
	removeMember,
	setMember,
	TITLE_MAX_LENGTH,
	type DocumentMember,
	type DocumentSummary
} from './queries';
export { appendUpdates, authorship, lastSeq, loadStoredState, saveSnapshot, type JournalEntry, type StoredState } from './journal';
export { plainText, updateFromProsemirrorJson } from './content';
