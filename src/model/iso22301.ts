// The clauses 4 to 10 of ISO 22301 and their sub-clauses as the clause tracker lists them. Numbers follow the
// standard; every title and description here is Rempart's own short wording (the standard's text is copyrighted and
// is not reproduced): enough to recognise the requirement, not to replace reading it.
import type { EvidenceType } from './assurance.js';

export interface ClauseDefinition {
  id: string;
  /** The clause it belongs to (null for 4 to 10). */
  parent: string | null;
  title: { en: string; fr: string };
  description: { en: string; fr: string };
  /** The Rempart records that can show this clause is met (suggested as evidence when they exist). */
  evidence: readonly EvidenceType[];
}

const c = (id: string, en: [string, string], fr: [string, string], evidence: readonly EvidenceType[] = []): ClauseDefinition => ({
  id,
  parent: id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : null,
  title: { en: en[0], fr: fr[0] },
  description: { en: en[1], fr: fr[1] },
  evidence,
});

export const ISO22301_CLAUSES: readonly ClauseDefinition[] = [
  c(
    '4',
    ['Where the organisation stands', 'What the organisation is, who it answers to and what the continuity system covers.'],
    ['Situation de l’organisation', 'Ce qu’est l’organisation, envers qui elle s’engage et ce que couvre le système de continuité.'],
  ),
  c(
    '4.1',
    ['Its setting', 'The internal and external matters that bear on the organisation’s ability to keep going.'],
    ['Son environnement', 'Les enjeux internes et externes qui pèsent sur la capacité de l’organisation à poursuivre ses activités.'],
  ),
  c(
    '4.2',
    ['Those with a stake', 'Who expects something of continuity (clients, regulators, staff) and the legal duties that apply.'],
    ['Les parties prenantes', 'Qui attend quelque chose de la continuité (clients, autorités, personnel) et les obligations légales applicables.'],
  ),
  c(
    '4.3',
    ['What is covered', 'The boundaries of the continuity system: activities, sites and exclusions, with the reasons.'],
    ['Le périmètre', 'Les limites du système de continuité : activités, sites et exclusions, avec leurs raisons.'],
  ),
  c(
    '4.4',
    ['A managed system', 'The continuity system is set up, run, kept up and improved as a whole.'],
    ['Un système piloté', 'Le système de continuité est mis en place, exploité, tenu à jour et amélioré dans son ensemble.'],
  ),
  c('5', ['Leadership', 'Top management owns continuity and gives it direction.'], ['Leadership', 'La direction porte la continuité et lui donne son cap.']),
  c(
    '5.1',
    ['Management’s commitment', 'Top management backs the system with resources, priorities and visible support.'],
    ['Engagement de la direction', 'La direction soutient le système par des moyens, des priorités et un appui visible.'],
    ['managementReview'],
  ),
  c(
    '5.2',
    ['Continuity policy', 'A written policy fitting the organisation’s purpose, made known to those concerned.'],
    ['Politique de continuité', 'Une politique écrite adaptée à la finalité de l’organisation et communiquée aux personnes concernées.'],
  ),
  c(
    '5.3',
    ['Who does what', 'Responsibilities and authority for continuity are assigned and known.'],
    ['Qui fait quoi', 'Les responsabilités et pouvoirs en matière de continuité sont attribués et connus.'],
  ),
  c(
    '6',
    ['Planning', 'How the system plans for risks, objectives and changes to itself.'],
    ['Planification', 'Comment le système anticipe les risques, ses objectifs et ses propres évolutions.'],
  ),
  c(
    '6.1',
    ['Risks and opportunities of the system', 'What could stop the system achieving its aims, and the actions taken about it.'],
    ['Risques et opportunités du système', 'Ce qui pourrait empêcher le système d’atteindre ses buts, et les actions prévues en réponse.'],
    ['riskRegister'],
  ),
  c(
    '6.2',
    ['Continuity objectives', 'Measurable objectives, with who, what, when and how they are reached.'],
    ['Objectifs de continuité', 'Des objectifs mesurables, avec qui, quoi, quand et comment les atteindre.'],
    ['managementReview'],
  ),
  c(
    '6.3',
    ['Changing the system', 'Changes to the continuity system are planned rather than improvised.'],
    ['Faire évoluer le système', 'Les changements du système de continuité sont planifiés plutôt qu’improvisés.'],
  ),
  c(
    '7',
    ['Support', 'The means the system runs on: people, skills, communication and records.'],
    ['Support', 'Les moyens dont vit le système : personnes, compétences, communication et documents.'],
  ),
  c(
    '7.1',
    ['Resources', 'The people, money and tools the system needs are provided.'],
    ['Ressources', 'Les personnes, le budget et les outils nécessaires au système sont fournis.'],
  ),
  c(
    '7.2',
    ['Competence', 'Those with a continuity role have the skills for it, gained and kept through training, with records.'],
    ['Compétences', 'Les personnes ayant un rôle de continuité ont les compétences requises, acquises et entretenues par la formation, traces à l’appui.'],
    ['trainingCampaign'],
  ),
  c(
    '7.3',
    ['Awareness', 'Staff know the policy, their part in a disruption and what failing to follow it would mean.'],
    ['Sensibilisation', 'Le personnel connaît la politique, son rôle en cas de perturbation et les conséquences d’un manquement.'],
    ['trainingCampaign'],
  ),
  c(
    '7.4',
    ['Communication', 'What is said about continuity, to whom, when and how, inside and outside.'],
    ['Communication', 'Ce qui est dit de la continuité, à qui, quand et comment, en interne comme en externe.'],
    ['plan'],
  ),
  c(
    '7.5',
    ['Documented information', 'The records the system needs are written, reviewed, approved and kept under control.'],
    ['Informations documentées', 'Les documents nécessaires au système sont rédigés, revus, approuvés et maîtrisés.'],
    ['plan'],
  ),
  c(
    '8',
    ['Operation', 'Running continuity: analysis, strategies, plans, exercises and their evaluation.'],
    ['Réalisation', 'La continuité au quotidien : analyses, stratégies, plans, exercices et leur évaluation.'],
  ),
  c(
    '8.1',
    ['Operational control', 'The continuity processes are planned, run and controlled, including what is outsourced.'],
    ['Maîtrise opérationnelle', 'Les processus de continuité sont planifiés, menés et maîtrisés, y compris ce qui est sous-traité.'],
  ),
  c(
    '8.2',
    ['Impact analysis and risk assessment', 'The basis for deciding what to protect and how quickly to recover it.'],
    ['Analyse d’impact et appréciation des risques', 'La base pour décider quoi protéger et en combien de temps le rétablir.'],
    ['biaCampaign', 'riskRegister'],
  ),
  c(
    '8.2.2',
    ['Business impact analysis', 'Impacts of disruption over time per activity, giving recovery priorities and times.'],
    ['Bilan d’impact sur l’activité', 'Les impacts d’une interruption dans le temps pour chaque activité, d’où les priorités et délais de reprise.'],
    ['biaCampaign'],
  ),
  c(
    '8.2.3',
    ['Risk assessment', 'Risks of disruption are identified, analysed and weighed to decide which to treat.'],
    ['Appréciation des risques', 'Les risques d’interruption sont identifiés, analysés et évalués pour décider lesquels traiter.'],
    ['riskRegister'],
  ),
  c(
    '8.3',
    ['Strategies and solutions', 'Ways to protect and recover activities are chosen, resourced and put in place.'],
    ['Stratégies et solutions', 'Les moyens de protéger et de rétablir les activités sont choisis, dotés et mis en place.'],
    ['plan'],
  ),
  c(
    '8.4',
    ['Plans and procedures', 'A response structure, warning and communication, and plans to continue and recover.'],
    ['Plans et procédures', 'Une organisation de réponse, l’alerte et la communication, et des plans pour poursuivre et rétablir.'],
    ['plan'],
  ),
  c(
    '8.5',
    ['Exercise programme', 'Strategies and plans are tested through a varied programme, each exercise reported.'],
    ['Programme d’exercices', 'Les stratégies et plans sont mis à l’épreuve par un programme varié, chaque exercice faisant l’objet d’un rapport.'],
    ['exercise'],
  ),
  c(
    '8.6',
    ['Evaluating capabilities', 'Documentation and capabilities are checked for fitness, adequacy and effectiveness.'],
    ['Évaluation des capacités', 'La documentation et les capacités sont vérifiées : pertinence, adéquation et efficacité.'],
    ['exercise', 'plan'],
  ),
  c(
    '9',
    ['Performance evaluation', 'Measuring, auditing and reviewing how well the system works.'],
    ['Évaluation des performances', 'Mesurer, auditer et revoir le bon fonctionnement du système.'],
  ),
  c(
    '9.1',
    ['Monitoring and measurement', 'What is measured, how, when, and how the results are analysed.'],
    ['Surveillance et mesure', 'Ce qui est mesuré, comment, quand, et comment les résultats sont analysés.'],
    ['trainingCampaign', 'exercise'],
  ),
  c(
    '9.2',
    ['Internal audit', 'Planned audits check the system meets its own rules and the standard.'],
    ['Audit interne', 'Des audits planifiés vérifient que le système respecte ses propres règles et la norme.'],
    ['correctiveAction'],
  ),
  c(
    '9.3',
    ['Management review', 'Top management reviews the system at planned intervals and decides on changes.'],
    ['Revue de direction', 'La direction revoit le système à intervalles planifiés et décide des évolutions.'],
    ['managementReview'],
  ),
  c('10', ['Improvement', 'Fixing what fails and getting better over time.'], ['Amélioration', 'Corriger ce qui échoue et progresser dans la durée.']),
  c(
    '10.1',
    ['Nonconformity and corrective action', 'Failures are dealt with, their causes removed and the fix checked for effect.'],
    ['Non-conformité et action corrective', 'Les écarts sont traités, leurs causes supprimées et l’efficacité de la correction vérifiée.'],
    ['correctiveAction'],
  ),
  c(
    '10.2',
    ['Continual improvement', 'The system keeps getting more suitable, adequate and effective.'],
    ['Amélioration continue', 'Le système gagne sans cesse en pertinence, en adéquation et en efficacité.'],
    ['correctiveAction', 'managementReview'],
  ),
];

export const CLAUSE_IDS: ReadonlySet<string> = new Set(ISO22301_CLAUSES.map((clause) => clause.id));
