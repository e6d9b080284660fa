// Words for the audit trail's codes, in both languages: the web page and the spreadsheet export show these, never the
// raw codes (`queue`, `load_demo`). Plain data without zod, so that the web app can import it as well as the server.

type Words = { en: string; fr: string };

export const AUDIT_ACTIONS: Record<string, Words> = {
  create: { en: 'Created', fr: 'Création' },
  update: { en: 'Changed', fr: 'Modification' },
  delete: { en: 'Deleted', fr: 'Suppression' },
  import: { en: 'Imported', fr: 'Import' },
  load_demo: { en: 'Demo data loaded', fr: 'Données de démonstration chargées' },
  install: { en: 'Installed', fr: 'Installation' },
  add: { en: 'Joined', fr: 'Arrivée' },
  invite: { en: 'Invited', fr: 'Invitation' },
  revoke: { en: 'Revoked', fr: 'Révocation' },
  queue: { en: 'Run queued', fr: 'Calcul mis en file' },
  simulate: { en: 'Simulated', fr: 'Simulation' },
  cancel: { en: 'Cancelled', fr: 'Annulation' },
  retry: { en: 'Retried', fr: 'Nouvelle tentative' },
  sign_in: { en: 'Signed in', fr: 'Connexion' },
  sign_in_failed: { en: 'Sign-in failed', fr: 'Échec de connexion' },
  sign_in_provider_ok: { en: 'Signed in through the provider, second factor awaited', fr: 'Connexion par le fournisseur, second facteur attendu' },
  sso_link: { en: 'Single sign-on identity linked', fr: 'Identité d’authentification unique liée' },
  sign_in_mfa: { en: 'Signed in with a second factor', fr: 'Connexion avec second facteur' },
  sign_in_mfa_failed: { en: 'Second factor refused', fr: 'Second facteur refusé' },
  sign_out: { en: 'Signed out', fr: 'Déconnexion' },
  sign_out_everywhere: { en: 'Signed out everywhere', fr: 'Déconnexion partout' },
  password_change: { en: 'Password changed', fr: 'Mot de passe changé' },
  password_check_failed: { en: 'Wrong current password', fr: 'Mot de passe actuel erroné' },
  password_reset: { en: 'Password reset', fr: 'Mot de passe réinitialisé' },
  mfa_enrolment_start: { en: 'Second factor set-up started', fr: 'Activation du second facteur commencée' },
  mfa_enable: { en: 'Second factor turned on', fr: 'Second facteur activé' },
  mfa_disable: { en: 'Second factor turned off', fr: 'Second facteur désactivé' },
  mfa_reset: { en: 'Second factor reset', fr: 'Second facteur réinitialisé' },
  verify: { en: 'Verified', fr: 'Vérification' },
  start: { en: 'Started', fr: 'Démarrage' },
  note: { en: 'Note added', fr: 'Note ajoutée' },
  inject: { en: 'Inject sent', fr: 'Stimulus envoyé' },
  complete: { en: 'Completed', fr: 'Clôture' },
  submit: { en: 'Signed off', fr: 'Validation du responsable' },
  approve: { en: 'Approved', fr: 'Approbation' },
  return: { en: 'Returned', fr: 'Renvoi' },
};

export const AUDIT_ENTITIES: Record<string, Words> = {
  organisation: { en: 'Organisation', fr: 'Organisation' },
  model: { en: 'Whole model', fr: 'Modèle complet' },
  site: { en: 'Site', fr: 'Site' },
  pool: { en: 'Remote-access pool', fr: 'Accès à distance' },
  application: { en: 'Application', fr: 'Application' },
  supplier: { en: 'Supplier', fr: 'Fournisseur' },
  activity: { en: 'Activity', fr: 'Activité' },
  activities: { en: 'Activities (spreadsheet)', fr: 'Activités (tableur)' },
  strategy: { en: 'Strategy', fr: 'Stratégie' },
  scenario: { en: 'Scenario', fr: 'Scénario' },
  scenarios: { en: 'Scenario library', fr: 'Bibliothèque de scénarios' },
  run: { en: 'Run', fr: 'Calcul' },
  risk: { en: 'Risk', fr: 'Risque' },
  risks: { en: 'Risk register', fr: 'Registre des risques' },
  riskMatrix: { en: 'Risk matrix', fr: 'Matrice des risques' },
  threat: { en: 'Threat', fr: 'Menace' },
  member: { en: 'Member', fr: 'Membre' },
  invitation: { en: 'Invitation', fr: 'Invitation' },
  token: { en: 'API token', fr: 'Jeton d’API' },
  public_key: { en: 'Widget key', fr: 'Clé du widget' },
  widget: { en: 'Widget', fr: 'Widget' },
  security: { en: 'Security settings', fr: 'Paramètres de sécurité' },
  file: { en: 'File', fr: 'Fichier' },
  job: { en: 'Background job', fr: 'Tâche de fond' },
  user: { en: 'Account', fr: 'Compte' },
  person: { en: 'Person (directory)', fr: 'Personne (annuaire)' },
  people: { en: 'People directory', fr: 'Annuaire des personnes' },
  kbArticle: { en: 'Knowledge-base article', fr: 'Article de la base de connaissances' },
  kb: { en: 'Knowledge base', fr: 'Base de connaissances' },
  correctiveAction: { en: 'Corrective action', fr: 'Action corrective' },
  exercise: { en: 'Exercise', fr: 'Exercice' },
  biaCampaign: { en: 'BIA campaign', fr: 'Campagne de BIA' },
};

/** Entity types whose items the audit filter offers to pick by name (the model's and the programme's). */
export const PICKABLE_AUDIT_ENTITIES = ['site', 'pool', 'application', 'supplier', 'activity', 'strategy', 'scenario', 'risk', 'member'] as const;

/** The word for an action code; an unknown code (a newer server) is shown as it is. */
export function auditActionLabel(code: string, language: 'en' | 'fr'): string {
  return AUDIT_ACTIONS[code]?.[language] ?? code;
}

export function auditEntityLabel(code: string, language: 'en' | 'fr'): string {
  return AUDIT_ENTITIES[code]?.[language] ?? code;
}
