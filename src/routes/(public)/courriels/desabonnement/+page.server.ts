// A digest's unsubscribe link, without signing in. Opening it only shows the button: mail
// security scanners open every link of the messages they check (mail/unsubscribe.ts).
import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { db, runtime } from '$lib/server/runtime';
import { readForm } from '$lib/server/http/form';
import { readUnsubscribeToken, unsubscribe } from '$lib/server/mail';
import { signingKey } from '$lib/server/signing';

const INVALID =
	'Ce lien de désabonnement n’est pas valide ou a expiré : rien n’a été modifié. Connectez-vous pour choisir les courriels que vous recevez (Notifications, « Notifications par courriel »).';

const key = () => signingKey(db(), runtime().config.appSecret);

export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('jeton') ?? '';
	const target = await readUnsubscribeToken(db(), await key(), token);
	if (!target) error(400, INVALID);
	return { token, displayName: target.displayName };
};

export const actions: Actions = {
	default: async ({ request }) => {
		const token = String((await readForm(request)).get('jeton') ?? '');
		const target = await unsubscribe(db(), await key(), token);
		if (!target) error(400, INVALID);
		return { done: true };
	}
};
