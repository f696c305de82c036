// Clubs métiers: professional networks of the territory (RH, finances, numérique…) invited to
// annotate documents, and their formal avis on a version.
export * from './queries';
export {
	addClubMember,
	answerJoinRequest,
	canManageClub,
	createClub,
	leaveClub,
	removeClubMember,
	requestToJoin,
	setClubRole,
	CLUB_NOT_FOUND,
	type ClubResult,
	type ClubSuccess
} from './commands';
export { inviteClub, uninviteClub } from './invitations';
export { avisClubsOf, issueAvis, listAvis, AVIS_ANIMATEURS_ONLY, type Avis } from './avis';
export { closeRightsChangedOn, watchRights, type DocumentRightsChanged } from './rights';
