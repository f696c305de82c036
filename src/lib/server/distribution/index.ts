// Distribution lists (porter à connaissance) and people's functions: the feature's public face.
export {
	addListExternal,
	addListUser,
	canManageLists,
	createList,
	deleteList,
	editList,
	removeListMember,
	setFunction,
	FUNCTIONS_STEERING_ONLY,
	LIST_NOT_FOUND,
	LISTS_STEERING_ONLY,
	type FunctionResult,
	type ListInput,
	type ListResult
} from './commands';
export {
	dedupeRecipients,
	getDistributionList,
	listDistributionListNames,
	listDistributionLists,
	listMembers,
	listPeopleWithFunctions,
	recipientsOf,
	type DistributionList,
	type DistributionListName,
	type ListMember,
	type Recipient
} from './queries';
export { resolveList, resolveLists, type Resolved } from './resolve';
export { isValidEmail, normaliseEmail } from './address';
