// Document commands: every change a person asks for goes through one of these. Each checks the
// access policy, validates the raw form values and applies the rules in one transaction, then
// returns a result; closeRightsChanged turns that result into closed sockets.
export { setMember, removeMember, setOrganisation, removeOrganisation } from './members';
export { setBinome } from './binome';
export { createDocument, updateSettings } from './document';
export {
	answerAccessRequest,
	requestAccess,
	ACCESS_REQUEST_MESSAGE_MAX_LENGTH
} from './access-requests';
export {
	nameVersion,
	restoreVersion,
	UNKNOWN_VERSION,
	UNREADABLE_HISTORY,
	RESTORE_FAILED,
	type RestoreHub,
	VERSION_NAME_MAX_LENGTH,
	VERSION_COMMENT_MAX_LENGTH,
	VERSION_STEERS_ONLY
} from './versions';
export {
	closeRightsChanged,
	type CommandFailure,
	type CommandResult,
	type CommandSuccess,
	type RightsChanged,
	type RightsHub
} from './result';
