// The demo territory: a fictional communauté d'agglomération, seeded only into an empty database.
import type { Db } from '../db';
import { inTransaction } from '../db';
import type { DocumentRole, OrganisationRole, TerritoryRole } from '../db/schema';
import type { DocumentKind } from '../../documents/vocabulary';
import { indexDocument } from '../search';
import { hashPassword } from '../auth/password';
import { newId } from '../ids';
import { createDocument, setMember, setOrganisationMember } from '../documents/queries';
import { updateFromProsemirrorJson } from '../documents/content';
import { pm } from '../../documents/schema';
import { inviteClub, insertClub, setClubMember } from '../clubs/queries';
import { insertList, insertMember, setListFunctions } from '../distribution/queries';
import type { PersonFunction } from '../../distribution/vocabulary';

export const DEMO_PASSWORD = 'assemblier-demo';

interface SeedUser {
	key: string;
	name: string;
	job: string;
	/** The structured function (distribution lists are built on it). */
	fn: PersonFunction;
	role?: TerritoryRole;
}
interface SeedCommune {
	name: string;
	slug: string;
	insee: string;
	population: number;
	/** The maire, who has no account in the demo: reached by e-mail (maire@<slug>.test). */
	mayor: string;
	users: SeedUser[];
}

const EPCI = {
	name: 'Communauté d’agglomération Cœur de Lauze',
	slug: 'agglo-lauze',
	insee: '200099991', // SIREN-like identifier of a fictional EPCI
	users: [
		{
			key: 'claire',
			name: 'Claire Martin',
			job: 'Directrice générale des services (DGS)',
			fn: 'dgs',
			role: 'direction'
		},
		{
			key: 'olivier',
			name: 'Olivier Perrin',
			job: 'Directeur général adjoint ressources (DGA)',
			fn: 'dga'
		},
		{
			key: 'nadia',
			name: 'Nadia Benali',
			job: 'Directrice des ressources humaines',
			fn: 'directeur'
		},
		{ key: 'julien', name: 'Julien Roux', job: 'Chargé de mission numérique et RGPD', fn: 'cadre' },
		{ key: 'sophie', name: 'Sophie Garnier', job: 'Directrice de l’aménagement', fn: 'directeur' },
		{
			key: 'marc',
			name: 'Marc Lefèvre',
			job: 'Administrateur de la plateforme',
			fn: 'agent',
			role: 'admin'
		},
		{
			key: 'bernard',
			name: 'Bernard Vidal',
			job: 'Élu, vice-président chargé de la mutualisation',
			fn: 'elu'
		}
	] satisfies SeedUser[]
};

const COMMUNES: SeedCommune[] = [
	{
		name: 'Lauzières',
		slug: 'lauzieres',
		insee: '26171',
		population: 6950,
		mayor: 'Gérard Fontaine',
		users: [
			{
				key: 'thomas',
				name: 'Thomas Girard',
				job: 'Directeur général des services (DGS)',
				fn: 'dgs'
			},
			{
				key: 'marion',
				name: 'Marion Petit',
				job: 'Responsable des ressources humaines',
				fn: 'cadre'
			}
		]
	},
	{
		name: 'Saint-Aubin-sur-Lauze',
		slug: 'saint-aubin',
		insee: '26293',
		population: 4820,
		mayor: 'Monique Arnaud',
		users: [
			{
				key: 'isabelle',
				name: 'Isabelle Moreau',
				job: 'Directrice générale des services (DGS)',
				fn: 'dgs'
			}
		]
	},
	{
		name: 'Villeneuve-la-Rivière',
		slug: 'villeneuve',
		insee: '26379',
		population: 5640,
		mayor: 'Philippe Leroy',
		users: [
			{
				key: 'pierre',
				name: 'Pierre Lambert',
				job: 'Directeur général des services (DGS)',
				fn: 'dgs'
			}
		]
	},
	{
		name: 'Rochefort-sur-Lauze',
		slug: 'rochefort',
		insee: '26272',
		population: 4150,
		mayor: 'Catherine Bonnet',
		users: [
			{
				key: 'sandrine',
				name: 'Sandrine Blanc',
				job: 'Directrice générale des services (DGS)',
				fn: 'dgs'
			}
		]
	},
	{
		name: 'Puylaurent',
		slug: 'puylaurent',
		insee: '26258',
		population: 3880,
		mayor: 'Jean-Luc Mercier',
		users: [
			{
				key: 'francois',
				name: 'François Meunier',
				job: 'Directeur général des services (DGS)',
				fn: 'dgs'
			}
		]
	},
	{
		name: 'Montferrand-le-Bourg',
		slug: 'montferrand',
		insee: '26204',
		population: 3410,
		mayor: 'Nathalie Guérin',
		users: [
			{ key: 'karim', name: 'Karim Haddad', job: 'Directeur général des services (DGS)', fn: 'dgs' }
		]
	},
	{
		name: 'Les Essarts-de-Lauze',
		slug: 'essarts',
		insee: '26123',
		population: 2950,
		mayor: 'Alain Robin',
		users: [
			{
				key: 'helene',
				name: 'Hélène Faure',
				job: 'Directrice générale des services (DGS)',
				fn: 'dgs'
			}
		]
	},
	{
		name: 'Varennes-le-Haut',
		slug: 'varennes',
		insee: '26363',
		population: 2730,
		mayor: 'Sylvie Lemoine',
		users: [
			{
				key: 'camille',
				name: 'Camille Dupuis',
				job: 'Directrice générale des services (DGS)',
				fn: 'dgs'
			}
		]
	},
	{
		name: 'Castelnau-d’Aurelle',
		slug: 'castelnau',
		insee: '26071',
		population: 2310,
		mayor: 'Michel Barbier',
		users: [
			{
				key: 'laurent',
				name: 'Laurent Chevalier',
				job: 'Secrétaire général de mairie',
				fn: 'secretaire_mairie'
			}
		]
	},
	{
		name: 'Beaumont-les-Vignes',
		slug: 'beaumont',
		insee: '26038',
		population: 1870,
		mayor: 'Françoise Colin',
		users: [
			{
				key: 'amandine',
				name: 'Amandine Roche',
				job: 'Secrétaire de mairie',
				fn: 'secretaire_mairie'
			}
		]
	},
	{
		name: 'Le Mas-Sauvage',
		slug: 'mas-sauvage',
		insee: '26176',
		population: 1560,
		mayor: 'Daniel Masson',
		users: [
			{
				key: 'yannick',
				name: 'Yannick Bertrand',
				job: 'Secrétaire de mairie',
				fn: 'secretaire_mairie'
			}
		]
	},
	{
		name: 'Sainte-Colombe-des-Prés',
		slug: 'sainte-colombe',
		insee: '26305',
		population: 1240,
		mayor: 'Brigitte Renaud',
		users: [
			{
				key: 'elodie',
				name: 'Élodie Marchand',
				job: 'Secrétaire de mairie',
				fn: 'secretaire_mairie'
			}
		]
	}
];

function emailOf(name: string, slug: string): string {
	const local = name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z]+/g, '.')
		.replace(/^\.|\.$/g, '');
	return `${local}@${slug}.test`;
}

interface SeedDocument {
	title: string;
	kind: DocumentKind;
	theme: string;
	summary: string;
	creator: string;
	partner: string;
	/** Organisations concerned, by slug. */
	concerns: string[];
	members: [string, DocumentRole][];
	organisationMembers?: [string, OrganisationRole][];
	body: ReturnType<typeof pm.doc>;
}

const DOCUMENTS: SeedDocument[] = [
	{
		title: 'Position commune RGPD — délégué à la protection des données mutualisé',
		kind: 'position-commune',
		theme: 'numerique-rgpd',
		summary: 'Proposer aux communes un DPO mutualisé porté par l’agglomération.',
		creator: 'julien',
		partner: 'isabelle',
		concerns: ['agglo-lauze', 'saint-aubin', 'lauzieres', 'beaumont'],
		members: [
			['thomas', 'editor'],
			['amandine', 'reader'],
			['claire', 'reader']
		],
		body: pm.doc(
			pm.h(1, 'Position commune RGPD'),
			pm.h(2, 'Contexte'),
			pm.p(
				'Depuis 2018, chaque commune doit désigner un délégué à la protection des données (DPO). Huit communes sur douze n’ont pas les moyens d’un DPO propre.'
			),
			pm.h(2, 'Cadre réglementaire'),
			pm.p(
				'Règlement (UE) 2016/679, article 37 : une autorité publique désigne un DPO ; plusieurs autorités peuvent en désigner un seul, compte tenu de leur taille.'
			),
			pm.h(2, 'Position proposée'),
			pm.p(
				'L’agglomération propose un DPO mutualisé, mis à disposition des communes qui le souhaitent, avec une convention d’un an renouvelable.'
			),
			pm.ul(
				'Registre des traitements tenu par commune',
				'Permanence mensuelle dans chaque secteur',
				'Coût réparti au prorata de la population'
			),
			pm.h(2, 'Points d’arbitrage'),
			pm.p(
				'Répartition du coût pour les communes de moins de 2 000 habitants ; prise en charge des demandes d’exercice de droits.'
			)
		)
	},
	{
		title: 'Plan de formation mutualisé 2027',
		kind: 'plan-de-formation',
		theme: 'rh',
		summary: 'Besoins de formation communs et sessions accueillies par les communes.',
		creator: 'nadia',
		partner: 'marion',
		concerns: ['agglo-lauze', 'lauzieres', 'montferrand', 'sainte-colombe', 'mas-sauvage'],
		members: [
			['karim', 'editor'],
			['elodie', 'reader'],
			['olivier', 'editor']
		],
		organisationMembers: [['mas-sauvage', 'annotator']],
		body: pm.doc(
			pm.h(1, 'Plan de formation mutualisé 2027'),
			pm.p(
				'Recensement des besoins réalisé auprès des douze communes et des services de l’agglomération en septembre.'
			),
			pm.h(2, 'Axes prioritaires'),
			pm.ul(
				'Prévention des risques professionnels (CACES, habilitations électriques)',
				'Marchés publics : la commande publique pour les petites communes',
				'Accueil du public et gestion des situations tendues'
			),
			pm.h(2, 'Organisation'),
			pm.p(
				'Les sessions intra sont organisées avec le CNFPT et accueillies à tour de rôle par les communes membres.'
			)
		)
	},
	{
		title: 'Projet de territoire 2026-2032 — note de cadrage',
		kind: 'projet-de-territoire',
		theme: 'gouvernance',
		summary: 'Méthode et calendrier d’élaboration du projet de territoire.',
		creator: 'claire',
		partner: 'pierre',
		concerns: ['agglo-lauze', 'villeneuve'],
		members: [
			['sophie', 'editor'],
			['bernard', 'reader'],
			['thomas', 'reader']
		],
		body: pm.doc(
			pm.h(1, 'Projet de territoire 2026-2032'),
			pm.h(2, 'Ambition'),
			pm.p(
				'Un territoire de 41 500 habitants où chaque commune, quelle que soit sa taille, pèse dans les choix communs.'
			),
			pm.h(2, 'Méthode'),
			pm.p(
				'Quatre ateliers ouverts aux DGS et aux élus, une synthèse par binôme agglomération–commune, une restitution en conférence des maires.'
			)
		)
	}
];

interface SeedClub {
	name: string;
	theme: string;
	description: string;
	animateurs: string[];
	members: string[];
	/** Documents the club is invited to annotate, by title. */
	invitedTo: string[];
}

// Members from several communes and the agglomeration. The Club RH annotates the RGPD position
// (the DPO would be an agent put at the communes' disposal): its members who take no part in
// the document otherwise show the annotator role. People the demo's tests use as outsiders of
// that document (Karim, Pierre, Yannick, Amandine) stay out of the clubs invited to it.
const CLUBS: SeedClub[] = [
	{
		name: 'Club RH',
		theme: 'rh',
		description:
			'Les responsables des ressources humaines de l’agglomération et des communes : carrières, formation, temps de travail, mutualisation des agents.',
		animateurs: ['nadia', 'marion'],
		members: ['elodie', 'laurent', 'helene'],
		invitedTo: ['Position commune RGPD — délégué à la protection des données mutualisé']
	},
	{
		name: 'Club finances',
		theme: 'finances',
		description:
			'Préparation budgétaire, fiscalité, pacte financier et fiscal, attributions de compensation.',
		animateurs: ['olivier', 'sandrine'],
		members: ['francois', 'camille', 'karim'],
		invitedTo: []
	},
	{
		name: 'Club numérique',
		theme: 'numerique-rgpd',
		description:
			'Outils numériques partagés, sécurité des systèmes d’information et protection des données.',
		animateurs: ['julien'],
		members: ['thomas', 'yannick', 'sophie'],
		invitedTo: []
	}
];

type SeedList = { name: string; description: string } & (
	| { kind: 'functions'; functions: PersonFunction[] }
	| { kind: 'club'; club: string }
	| { kind: 'manual'; users: string[]; externals: [name: string, email: string][] }
);

// The circulation the field studies describe for validated minutes: the DGS, the mayors, the
// élus of the commissions concerned, the cadres concerned. The mayors have no account in the
// demo: they are reached by e-mail only (maire@<commune>.test).
const LISTS: SeedList[] = [
	{
		name: 'Tous les DGS et secrétaires de mairie',
		description: 'Les directions générales de l’agglomération et des douze communes.',
		kind: 'functions',
		functions: ['dgs', 'secretaire_mairie']
	},
	{
		name: 'Maires du territoire',
		description: 'Les maires des communes membres, par leur adresse de mairie.',
		kind: 'manual',
		users: [],
		externals: COMMUNES.map((c) => [c.mayor, `maire@${c.slug}.test`])
	},
	{
		name: 'Commission ressources humaines',
		description:
			'Les élus de la commission RH de l’agglomération et les responsables RH qui la préparent.',
		kind: 'manual',
		users: ['bernard', 'olivier', 'nadia', 'marion'],
		externals: [
			['Martine Rousseau', 'martine.rousseau@lauzieres.test'],
			['Hervé Dumas', 'herve.dumas@puylaurent.test'],
			['Odile Vasseur', 'odile.vasseur@beaumont.test']
		]
	},
	{
		name: 'Membres du Club RH',
		description: 'Les membres du Club RH le jour de l’envoi.',
		kind: 'club',
		club: 'Club RH'
	},
	{
		name: 'Cadres concernés',
		description: 'Les directeurs et cadres de l’agglomération et des communes.',
		kind: 'functions',
		functions: ['directeur', 'cadre']
	}
];

/** Seeds the demo territory if the database holds none. Returns what was created, or null. */
export async function seedDemoTerritory(db: Db, now = Date.now()) {
	const existing = await db.selectFrom('territory').select('id').limit(1).executeTakeFirst();
	if (existing) return null;

	// One hash for every demo account: they share the demo password, and hashing 20 times would slow start-up.
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const territoryId = newId();
	const userIds = new Map<string, string>();
	const documentIds = new Map<string, string>();
	const organisationIds = new Map<string, string>();
	const clubIds = new Map<string, string>();
	const logins: {
		email: string;
		name: string;
		organisation: string;
		job: string;
		role: TerritoryRole;
	}[] = [];

	await inTransaction(db, async (trx) => {
		await trx
			.insertInto('territory')
			.values({
				id: territoryId,
				name: EPCI.name,
				kind: 'communauté d’agglomération',
				created_at: now
			})
			.execute();
		const organisations = [
			{
				...EPCI,
				kind: 'epci' as const,
				population: COMMUNES.reduce((sum, c) => sum + c.population, 0)
			},
			...COMMUNES.map((c) => ({ ...c, kind: 'commune' as const }))
		];
		for (const org of organisations) {
			const organisationId = newId();
			organisationIds.set(org.slug, organisationId);
			await trx
				.insertInto('organisation')
				.values({
					id: organisationId,
					territory_id: territoryId,
					name: org.name,
					kind: org.kind,
					insee_code: org.insee,
					population: org.population,
					created_at: now
				})
				.execute();
			for (const user of org.users as SeedUser[]) {
				const id = newId();
				const email = emailOf(user.name, org.slug);
				const role = user.role ?? 'membre';
				userIds.set(user.key, id);
				logins.push({ email, name: user.name, organisation: org.name, job: user.job, role });
				await trx
					.insertInto('app_user')
					.values({
						id,
						organisation_id: organisationId,
						email,
						display_name: user.name,
						job_title: user.job,
						function: user.fn,
						territory_role: role,
						password_hash: passwordHash,
						created_at: now
					})
					.execute();
			}
		}
		for (const doc of DOCUMENTS) {
			const creatorId = userIds.get(doc.creator)!;
			const input = {
				title: doc.title,
				kind: doc.kind,
				theme: doc.theme,
				summary: doc.summary,
				dueDate: null,
				organisationIds: doc.concerns.map((slug) => organisationIds.get(slug)!),
				partnerId: userIds.get(doc.partner)!
			};
			const content = updateFromProsemirrorJson(doc.body);
			const documentId = await createDocument(
				trx,
				{ id: creatorId, territoryId },
				input,
				content,
				now
			);
			for (const [key, role] of doc.members)
				await setMember(trx, documentId, userIds.get(key)!, role, creatorId, now);
			for (const [slug, role] of doc.organisationMembers ?? [])
				await setOrganisationMember(
					trx,
					documentId,
					organisationIds.get(slug)!,
					role,
					creatorId,
					now
				);
			await indexDocument(trx, documentId, content);
			documentIds.set(doc.title, documentId);
		}
		const steward = userIds.get('claire')!;
		for (const club of CLUBS) {
			const { name, theme, description } = club;
			const clubId = await insertClub(trx, territoryId, { name, theme, description }, steward, now);
			for (const key of club.animateurs)
				await setClubMember(trx, clubId, userIds.get(key)!, 'animateur', steward, now);
			for (const key of club.members)
				await setClubMember(trx, clubId, userIds.get(key)!, 'membre', steward, now);
			for (const title of club.invitedTo)
				await inviteClub(trx, documentIds.get(title)!, clubId, userIds.get('julien')!, now);
			clubIds.set(club.name, clubId);
		}
		for (const list of LISTS) {
			const { name, description, kind } = list;
			const clubId = list.kind === 'club' ? clubIds.get(list.club)! : null;
			const listId = await insertList(
				trx,
				territoryId,
				{ name, description, kind, clubId },
				steward,
				now
			);
			if (list.kind === 'functions') await setListFunctions(trx, listId, list.functions);
			if (list.kind === 'manual') {
				for (const key of list.users)
					await insertMember(trx, listId, { userId: userIds.get(key)! }, steward, now);
				for (const [externalName, email] of list.externals)
					await insertMember(trx, listId, { name: externalName, email }, steward, now);
			}
		}
	});
	return { territoryId, territoryName: EPCI.name, password: DEMO_PASSWORD, logins };
}

/** The demo accounts worth printing at start-up (one per kind of user). */
export const DEMO_HIGHLIGHTS = ['julien', 'isabelle', 'amandine', 'claire', 'marc'].map((key) => {
	const epciUser = EPCI.users.find((u) => u.key === key);
	if (epciUser)
		return {
			email: emailOf(epciUser.name, EPCI.slug),
			name: epciUser.name,
			organisation: EPCI.name,
			job: epciUser.job
		};
	const commune = COMMUNES.find((c) => c.users.some((u) => u.key === key))!;
	const user = commune.users.find((u) => u.key === key)!;
	return {
		email: emailOf(user.name, commune.slug),
		name: user.name,
		organisation: commune.name,
		job: user.job
	};
});
