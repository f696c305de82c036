const PALETTE = [
	'#1d4ed8',
	'#b91c1c',
	'#047857',
	'#7c3aed',
	'#b45309',
	'#0e7490',
	'#be185d',
	'#4d7c0f',
	'#9f1239',
	'#1e40af'
];

/** A stable caret/avatar colour per user; all dark enough for white text (WCAG AA). */
export function colorFor(userId: string): string {
	let h = 0;
	for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
	return PALETTE[h % PALETTE.length];
}
