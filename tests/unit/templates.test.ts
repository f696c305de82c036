import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type { Db } from '../../src/lib/server/db';
import {
	ensureDefaultTemplates,
	getTemplate,
	instantiateTemplate,
	listTemplates,
	checkTemplateBody
} from '../../src/lib/server/templates';
import { plainText } from '../../src/lib/server/documents';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { DEFAULT_TEMPLATES } from '../../src/lib/server/templates/defaults';
import { freshDb } from '../helpers/db';

let db: Db;
beforeAll(async () => {
	({ db } = await freshDb());
	await ensureDefaultTemplates(db);
});

type Node = { type: string; attrs?: Record<string, unknown>; content?: Node[]; text?: string };
function instantiate(update: Uint8Array) {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return {
		doc,
		json: yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOCUMENT_FRAGMENT)) as Node
	};
}
const headings = (json: Node) =>
	(json.content ?? [])
		.filter((n) => n.type === 'heading')
		.map((n) => n.content?.map((t) => t.text).join(''));

describe('templates', () => {
	it('are stored as data for every kind, once', async () => {
		await ensureDefaultTemplates(db);
		const templates = await listTemplates(db);
		expect(new Set(templates.map((t) => t.kind))).toEqual(
			new Set([
				'position-commune',
				'plan-de-formation',
				'projet-de-territoire',
				'compte-rendu',
				'note'
			])
		);
		expect(templates.filter((t) => t.id === 'position-commune')).toHaveLength(1);
	});

	it('a position commune has Contexte / Cadre réglementaire / Position proposée / Points d’arbitrage / Annexes', async () => {
		const { json } = instantiate(instantiateTemplate((await getTemplate(db, 'position-commune'))!));
		expect(headings(json)).toEqual([
			'Contexte',
			'Cadre réglementaire',
			'Position proposée',
			'Points d’arbitrage',
			'Annexes'
		]);
	});

	it('the RIFSEEP position adds a table of function groups with a header row', async () => {
		const { json, doc } = instantiate(
			instantiateTemplate((await getTemplate(db, 'position-commune-rifseep'))!)
		);
		const table = json.content!.find((n) => n.type === 'table')!;
		const cellText = (cell: Node): string =>
			(cell.content ?? []).map((n) => n.text ?? cellText(n)).join('');
		const [header, ...rows] = table.content!;
		expect(header.content!.map((cell) => cell.type)).toEqual([
			'tableHeader',
			'tableHeader',
			'tableHeader',
			'tableHeader'
		]);
		expect(header.content!.map(cellText)).toEqual([
			'Groupe de fonctions',
			'Emplois concernés',
			'Montant IFSE plancher (€)',
			'Montant IFSE plafond (€)'
		]);
		expect(rows.map((row) => cellText(row.content![0]))).toEqual(['A1', 'A2', 'B1', 'C1', 'C2']);
		expect(plainText(doc)).toContain('Groupe de fonctions\nEmplois concernés');
		expect(plainText(doc)).toContain('\nA1\nDirection générale\n');
	});

	it('minutes follow the three-part agenda of a DGS meeting, with attendees and decisions', async () => {
		const { json } = instantiate(instantiateTemplate((await getTemplate(db, 'compte-rendu'))!));
		expect(headings(json)).toEqual([
			'Participants',
			'1. Compétences et zones grises',
			'2. Sujet d’intérêt commun',
			'3. Thème remonté par les membres',
			'Décisions',
			'Points à inscrire à la prochaine réunion'
		]);
	});

	it('rejects a template body the editor could not open', () => {
		expect(checkTemplateBody({ type: 'doc', content: [{ type: 'marquee' }] })).toMatch(
			/pas valide/
		);
		expect(checkTemplateBody({ type: 'doc', content: [{ type: 'paragraph' }] })).toBeNull();
	});

	it('rejects what an editor update could not bring: a javascript: link, a forbidden attribute value', () => {
		const linked = (href: string) => ({
			type: 'doc',
			content: [
				{
					type: 'paragraph',
					content: [{ type: 'text', text: 'ici', marks: [{ type: 'link', attrs: { href } }] }]
				}
			]
		});
		expect(checkTemplateBody(linked('javascript:alert(document.cookie)'))).toMatch(/pas valide/);
		expect(checkTemplateBody(linked('https://www.collectivites-locales.gouv.fr/'))).toBeNull();
		const heading = (level: number) => ({
			type: 'doc',
			content: [{ type: 'heading', attrs: { level }, content: [{ type: 'text', text: 'Titre' }] }]
		});
		expect(checkTemplateBody(heading(7))).toMatch(/pas valide/);
		expect(checkTemplateBody(heading(2))).toBeNull();
	});

	it('accepts every default template', () => {
		for (const template of DEFAULT_TEMPLATES) expect(checkTemplateBody(template.body)).toBeNull();
	});
});
