// The read-only HTML sent with the document page before the live editor is ready.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { pm } from '../../src/lib/documents/schema';
import { renderDocumentHtml, renderStoredHtml } from '../../src/lib/server/documents/render';
import { updateFromProsemirrorJson } from '../../src/lib/server/documents/content';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser } from '../helpers/factories';

let db: Db;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	const author = await buildUser(db, territory, territory.epciId);
	documentId = await buildDocument(db, author);
	const body = pm.doc(
		pm.h(1, 'Position commune RIFSEEP'),
		pm.p('Montants « plafonds » & planchers'),
		pm.tasks('Valider en bureau'),
		pm.table(['Groupe', 'Montant'], ['G1', '3 000'])
	);
	await appendUpdates(
		db,
		documentId,
		(
			await db
				.selectFrom('document_update')
				.select('seq')
				.where('document_id', '=', documentId)
				.execute()
		).length,
		[{ userId: author.id, data: updateFromProsemirrorJson(body) }]
	);
});

describe('server-rendered document HTML', () => {
	it('renders what is stored, with the editor’s structure and escaped text', async () => {
		const html = await renderStoredHtml(db, documentId);
		expect(html).toContain('<h1>Position commune RIFSEEP</h1>');
		expect(html).toContain('<p>Montants « plafonds » &amp; planchers</p>');
		expect(html).toContain('data-type="taskItem" data-checked="false"');
		expect(html).toContain(
			'<div class="tableWrapper"><table><tbody><tr><th><p>Groupe</p></th><th><p>Montant</p></th></tr><tr><td><p>G1</p></td><td><p>3 000</p></td></tr></tbody></table></div>'
		);
	});

	it('lets nothing outside the schema through: unknown nodes keep only their escaped text, forbidden links lose their link', () => {
		const html = renderDocumentHtml({
			type: 'doc',
			content: [
				{ type: 'script', content: [{ type: 'text', text: 'alert(1)' }] },
				{ type: 'image', attrs: { src: 'x', onerror: 'alert(1)' } },
				{
					type: 'paragraph',
					attrs: { onclick: 'alert(1)', textAlign: 'center" onmouseover="x' },
					content: [
						{
							type: 'text',
							text: 'a',
							marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]
						},
						{
							type: 'text',
							text: '<b>',
							marks: [{ type: 'link', attrs: { href: 'https://agglo.fr/?a=1&b="2"' } }]
						}
					]
				}
			]
		});
		expect(html).toBe(
			'alert(1)<p>a<a href="https://agglo.fr/?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer nofollow">&lt;b&gt;</a></p>'
		);
	});
});
