// Toolbar icons: SVG path data on a 24 × 24 grid, drawn with a 2 px round stroke (the style of
// the Lucide set, ISC licence). Inline, so no icon font and no request: the toolbar reads the
// same offline. Each icon is decorative; the button carries the name.
export const icons = {
	undo: 'M3 7v6h6 M21 17a9 9 0 0 0-9-9 9 9 0 0 0-6 2.3L3 13',
	redo: 'M21 7v6h-6 M3 17a9 9 0 0 1 9-9 9 9 0 0 1 6 2.3l3 2.7',
	bold: 'M6 12h9a4 4 0 0 1 0 8H6V4h8a4 4 0 0 1 0 8',
	italic: 'M19 4h-9 M14 20H5 M15 4 9 20',
	underline: 'M6 4v6a6 6 0 0 0 12 0V4 M4 20h16',
	strike: 'M16 4H9a3 3 0 0 0-2.83 4 M14 12a4 4 0 0 1 0 8H6 M4 12h16',
	link: 'M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71 M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71',
	bulletList: 'M9 6h12 M9 12h12 M9 18h12 M4 6h.01 M4 12h.01 M4 18h.01',
	orderedList: 'M10 6h11 M10 12h11 M10 18h11 M4 5l1-1v5 M4 9h2 M6 19H4c0-1 2-1.6 2-3a1 1 0 0 0-2 0',
	taskList: 'M3 6l2 2 4-4 M3 16l2 2 4-4 M13 6h8 M13 12h8 M13 18h8',
	quote: 'M4 17h4l2-4V7H4v6h3 M14 17h4l2-4V7h-6v6h3',
	rule: 'M3 12h18 M8 8l4-4 4 4 M16 16l-4 4-4-4',
	alignLeft: 'M21 6H3 M15 12H3 M17 18H3',
	alignCenter: 'M21 6H3 M17 12H7 M19 18H5',
	alignRight: 'M21 6H3 M21 12H9 M21 18H7',
	alignJustify: 'M3 6h18 M3 12h18 M3 18h18',
	table: 'M4 4h16v16H4z M4 10h16 M4 15h16 M10 10v10',
	more: 'M5 12h.01 M12 12h.01 M19 12h.01',
	chevronDown: 'm6 9 6 6 6-6',
	menu: 'M4 6h16 M4 12h16 M4 18h16',
	close: 'M18 6 6 18 M6 6l12 12'
} as const;

export type IconName = keyof typeof icons;
