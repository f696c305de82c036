import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectNoAxeViolations, expectNoHorizontalScroll, signedInPage } from './helpers';

// Clubs métiers (issue 12): an administrator creates a club with an animateur, someone of the
// territory asks to join, the animateur accepts; axe finds nothing on the pages, at 1280 and
// 390 px.

const ADMIN = 'marc.lefevre@agglo-lauze.test';
const SOPHIE = { email: 'sophie.garnier@agglo-lauze.test', name: 'Sophie Garnier' };
const BERNARD = { email: 'bernard.vidal@agglo-lauze.test', name: 'Bernard Vidal' };
const CLAIRE = 'claire.martin@agglo-lauze.test';
const OLIVIER = 'olivier.perrin@agglo-lauze.test';

async function atBothWidths(page: Page, state: string, shot: string, testInfo: TestInfo) {
	const project = testInfo.project.name;
	for (const width of [1280, 390]) {
		await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
		await expectNoHorizontalScroll(page);
		await expectNoAxeViolations(page, `${state} (${width} px)`);
		// Kept outside Playwright's output folder, which a passing run empties.
		await page.screenshot({
			path: `test-results/screens/${shot}-${project}-${width}.png`,
			fullPage: true
		});
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('an administrator creates a club, someone asks to join, the animateur accepts', async ({
	browser
}, testInfo) => {
	// A name of its own: the same database serves the other specs and a second run.
	const name = `Club marchés publics ${Date.now().toString(36)}`;
	const admin = await signedInPage(browser, ADMIN);
	await admin
		.getByRole('navigation', { name: 'Navigation principale' })
		.getByRole('link', { name: 'Clubs métiers' })
		.click();
	await expect(admin.getByRole('heading', { level: 1, name: 'Clubs métiers' })).toBeVisible();
	// The demo's clubs are listed with their animateurs.
	await expect(admin.getByRole('link', { name: 'Club RH' })).toBeVisible();

	await admin.getByText('Créer un club').click();
	await admin.getByLabel('Nom du club').fill(name);
	await admin.getByLabel('Thème').selectOption({ label: 'Marchés publics' });
	await admin.getByLabel('Description').fill('Achats groupés et veille juridique.');
	await admin
		.getByLabel('Animateur', { exact: true })
		.selectOption({ label: `${SOPHIE.name} — Communauté d’agglomération Cœur de Lauze` });
	await admin.getByRole('button', { name: 'Créer le club' }).click();
	await expect(admin.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(admin.getByRole('list', { name: 'Membres du club' })).toContainText(SOPHIE.name);

	const bernard = await signedInPage(browser, BERNARD.email);
	await bernard.goto('/clubs');
	await atBothWidths(bernard, 'liste des clubs', 'clubs', testInfo);
	const card = bernard.getByRole('listitem').filter({ has: bernard.getByRole('link', { name }) });
	await card.getByText('Ajouter un message aux animateurs').click();
	await card.getByLabel('Message (facultatif)').fill('Je suis les marchés de l’agglomération.');
	await card.getByRole('button', { name: `Demander à rejoindre : ${name}` }).click();
	await expect(card.getByRole('status')).toHaveText(
		'Votre demande a été envoyée aux animateurs du club.'
	);
	await bernard.reload();
	await expect(card).toContainText('Votre demande est en attente auprès des animateurs.');

	const sophie = await signedInPage(browser, SOPHIE.email);
	await sophie.goto('/clubs');
	await sophie.getByRole('link', { name }).click();
	const requests = sophie.getByRole('region', { name: 'Demandes pour rejoindre le club' });
	await expect(requests).toContainText('Je suis les marchés de l’agglomération.');
	await atBothWidths(sophie, 'page du club, avec une demande', 'club', testInfo);
	await requests.getByRole('button', { name: `Accepter la demande de ${BERNARD.name}` }).click();
	await expect(sophie.getByRole('status')).toHaveText(
		`${BERNARD.name} fait désormais partie du club.`
	);
	await expect(sophie.getByRole('list', { name: 'Membres du club' })).toContainText(BERNARD.name);

	// Bernard is a member now, and may leave (confirmed in the page).
	await bernard.getByRole('link', { name }).click();
	await expect(bernard.getByText('Vous êtes membre de ce club')).toBeVisible();
	await bernard.getByRole('button', { name: 'Quitter le club…' }).click();
	await expect(bernard.getByRole('group', { name: 'Quitter le club ?' })).toBeVisible();
	await expectNoAxeViolations(bernard, 'quitter le club, confirmation');
});

test('the binôme invites a club; its animateur issues the club’s avis on a version; the document shows it', async ({
	browser
}, testInfo) => {
	// Not the RGPD position: other specs count its versions and participants.
	const title = 'Projet de territoire 2026-2032 — note de cadrage';
	const versionName = `Pour avis des clubs ${Date.now().toString(36)}`;
	const claire = await signedInPage(browser, CLAIRE);
	await claire.getByRole('link', { name: title }).click();
	const clubs = claire.getByRole('region', { name: 'Clubs métiers invités' });
	await clubs.getByLabel('Inviter un club à annoter').selectOption({ label: 'Club finances' });
	await clubs.getByRole('button', { name: 'Inviter' }).click();
	await expect(clubs.getByRole('status')).toContainText('Le club « Club finances » est invité');
	await expect(clubs.getByRole('link', { name: 'Club finances' })).toBeVisible();
	await claire.getByText('Historique', { exact: true }).click();
	await claire.getByLabel('Nommer l’état actuel').fill(versionName);
	await claire.getByRole('button', { name: 'Enregistrer cette version' }).click();
	await expect(claire.getByRole('link', { name: versionName })).toBeVisible();

	// Olivier animates the Club finances: an annotator of the document now, and its voice.
	const olivier = await signedInPage(browser, OLIVIER);
	await olivier.getByRole('link', { name: title }).click();
	await expect(olivier.getByText('Votre rôle : Annotateur')).toBeVisible();
	await olivier.getByText('Historique', { exact: true }).click();
	await olivier.getByRole('link', { name: versionName }).click();
	const avis = olivier.getByRole('region', { name: 'Avis des clubs sur cette version' });
	await avis.getByLabel('Favorable avec réserves').check();
	await avis
		.getByLabel('Motivation')
		.fill('Favorable, sous réserve d’un calendrier compatible avec la préparation budgétaire.');
	await expectNoAxeViolations(olivier, 'version, formulaire d’avis');
	await avis.getByRole('button', { name: 'Émettre l’avis' }).click();
	await expect(avis.getByRole('status')).toContainText(
		'L’avis du club « Club finances » a été émis'
	);
	await expect(avis).toContainText('Favorable avec réserves');
	await olivier.screenshot({
		path: `test-results/screens/avis-version-${testInfo.project.name}-1280.png`,
		fullPage: true
	});

	await claire.reload();
	const panel = claire.getByRole('region', { name: 'Avis des clubs' });
	await expect(panel).toContainText('Club finances');
	await expect(panel).toContainText('Favorable avec réserves');
	await expect(panel.getByRole('link', { name: versionName })).toBeVisible();
	await expectNoAxeViolations(claire, 'document, clubs invités et avis');
	await claire.locator('aside').screenshot({
		path: `test-results/screens/avis-document-${testInfo.project.name}-1280.png`
	});
});
