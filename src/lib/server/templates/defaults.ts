// The templates every territory starts with. Stored as data (document_template) on first start;
// administrators edit them there, so changing this file does not change existing territories.
import { pm, type PMNode } from '../../documents/schema';
import type { DocumentKind } from '../../documents/vocabulary';

export interface TemplateDefinition {
	id: string;
	kind: DocumentKind;
	name: string;
	body: PMNode;
}

const positionSections = (...middle: PMNode[]): PMNode[] => [
	pm.h(2, 'Contexte'),
	pm.p(''),
	pm.h(2, 'Cadre réglementaire'),
	pm.p(''),
	pm.h(2, 'Position proposée'),
	...middle,
	pm.p(''),
	pm.h(2, 'Points d’arbitrage'),
	pm.tasks(''),
	pm.h(2, 'Annexes'),
	pm.p('')
];

export const DEFAULT_TEMPLATES: TemplateDefinition[] = [
	{
		id: 'position-commune',
		kind: 'position-commune',
		name: 'Position commune',
		body: pm.doc(...positionSections())
	},
	{
		id: 'position-commune-rifseep',
		kind: 'position-commune',
		name: 'Position commune — RIFSEEP',
		body: pm.doc(
			...positionSections(
				pm.p('Groupes de fonctions et montants annuels proposés (IFSE) :'),
				pm.table(
					[
						'Groupe de fonctions',
						'Emplois concernés',
						'Montant IFSE plancher (€)',
						'Montant IFSE plafond (€)'
					],
					['A1', 'Direction générale', '', ''],
					['A2', 'Direction de service', '', ''],
					['B1', 'Encadrement intermédiaire', '', ''],
					['C1', 'Agent avec sujétions particulières', '', ''],
					['C2', 'Agent d’exécution', '', '']
				),
				pm.p('Complément indemnitaire annuel (CIA) : critères et plafonds.')
			)
		)
	},
	{
		id: 'plan-de-formation',
		kind: 'plan-de-formation',
		name: 'Plan de formation',
		body: pm.doc(
			pm.h(2, 'Recensement des besoins'),
			pm.p(''),
			pm.h(2, 'Axes prioritaires'),
			pm.ul(''),
			pm.h(2, 'Actions de formation'),
			pm.table(
				['Action', 'Public', 'Organisme', 'Commune d’accueil', 'Calendrier'],
				['', '', '', '', '']
			),
			pm.h(2, 'Financement et suivi'),
			pm.p('')
		)
	},
	{
		id: 'projet-de-territoire',
		kind: 'projet-de-territoire',
		name: 'Projet de territoire',
		body: pm.doc(
			pm.h(2, 'Diagnostic partagé'),
			pm.p(''),
			pm.h(2, 'Ambitions'),
			pm.p(''),
			pm.h(2, 'Orientations et actions'),
			pm.ul(''),
			pm.h(2, 'Gouvernance et calendrier'),
			pm.p('')
		)
	},
	{
		id: 'compte-rendu',
		kind: 'compte-rendu',
		name: 'Compte-rendu de réunion des DGS',
		body: pm.doc(
			pm.p('Date : — Lieu (commune d’accueil) : — Rédaction : DGS de la commune d’accueil'),
			pm.h(2, 'Participants'),
			pm.ul(''),
			pm.h(2, '1. Compétences et zones grises'),
			pm.p(''),
			pm.h(2, '2. Sujet d’intérêt commun'),
			pm.p(''),
			pm.h(2, '3. Thème remonté par les membres'),
			pm.p(''),
			pm.h(2, 'Décisions'),
			pm.tasks(''),
			pm.h(2, 'Points à inscrire à la prochaine réunion'),
			pm.ul('')
		)
	},
	{
		id: 'note',
		kind: 'note',
		name: 'Note',
		body: pm.doc(
			pm.h(2, 'Objet'),
			pm.p(''),
			pm.h(2, 'Analyse'),
			pm.p(''),
			pm.h(2, 'Propositions'),
			pm.p('')
		)
	}
];
