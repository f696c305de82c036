const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(ms: number): string {
	return dateTime.format(new Date(ms));
}

export const roleLabels: Record<string, string> = {
	editor: 'Rédacteur',
	reader: 'Lecteur'
};
