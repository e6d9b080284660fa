// The official French Covid-19 orientation questionnaire, version 2020-06-09 (shared/spec/orientation-algorithm.md,
// binding): the answers under the data schema's variable names, the outcomes and the official messages.
import { z } from 'zod';

export const ALGO_VERSION = '2020-06-09';

export const TEMPERATURE_CATEGORIES = ['inf_35.5', '35.5-37.7', '37.8-38.9', 'sup_39', 'NSP'] as const;
export const AGE_RANGES = ['inf_15', 'from_15_to_49', 'from_50_to_64', 'sup_65'] as const;
export type TemperatureCategory = (typeof TEMPERATURE_CATEGORIES)[number];
export type AgeRange = (typeof AGE_RANGES)[number];

/** The seven outcomes of 2020-06-09 (FIN2 was retired on 2020-05-10) and their data-schema orientation codes. */
export const ORIENTATION_CODES = {
  FIN1: 'less_15',
  FIN3: 'consultation_surveillance_1',
  FIN4: 'consultation_surveillance_2',
  FIN5: 'SAMU',
  FIN6: 'consultation_surveillance_3',
  FIN7: 'consultation_surveillance_4',
  FIN8: 'surveillance',
} as const;
export type Fin = keyof typeof ORIENTATION_CODES;
export type OrientationCode = (typeof ORIENTATION_CODES)[Fin];

/**
 * Input ranges: the official material sets none but the data schema's BMI of 10 to 70; these are CovidBot's (the
 * spec's example), wide enough for every adult and child who could answer, narrow enough to catch a typing slip.
 */
export const ANSWER_RANGES = { age: [0, 120], weightKg: [20, 250], heightCm: [80, 250], imc: [10, 70] } as const;

const yes = z.boolean();
/** 0 or 1, 999 for "Je ne sais pas" (also true/false, as the data schema allows). */
const yesNoDontKnow = z.union([z.literal(0), z.literal(1), z.literal(999), z.boolean()]);
/** 0 or 1, 888 for "Non applicable" (also true/false). */
const yesNoNotApplicable = z.union([z.literal(0), z.literal(1), z.literal(888), z.boolean()]);

/** One completed questionnaire, under the data schema's variable names. */
export const OrientationAnswers = z
  .object({
    temperature_cat: z.enum(TEMPERATURE_CATEGORIES),
    cough: yes,
    agueusia_anosmia: yes,
    sore_throat_aches: yes,
    diarrhea: yes,
    tiredness: yes,
    /** Asked only when `tiredness`; false when not asked. */
    tiredness_details: yes.optional(),
    feeding_day: yes,
    breathlessness: yes,
    /** The exact age (only its range is ever stored), or the range itself. */
    age: z.number().int().min(ANSWER_RANGES.age[0]).max(ANSWER_RANGES.age[1]).optional(),
    age_range: z.enum(AGE_RANGES).optional(),
    /** Weight and height (only the BMI is ever stored), or the BMI itself. */
    weight_kg: z.number().min(ANSWER_RANGES.weightKg[0]).max(ANSWER_RANGES.weightKg[1]).optional(),
    height_cm: z.number().min(ANSWER_RANGES.heightCm[0]).max(ANSWER_RANGES.heightCm[1]).optional(),
    imc: z.number().min(ANSWER_RANGES.imc[0]).max(ANSWER_RANGES.imc[1]).optional(),
    heart_disease: yesNoDontKnow,
    diabetes: yes,
    cancer: yes,
    breathing_disease: yes,
    kidney_disease: yes,
    liver_disease: yes,
    pregnant: yesNoNotApplicable,
    sickle_cell: yes,
    immunosuppressant_disease: yesNoDontKnow,
    /** Removed on 2020-06-09; when present, counted as the official validator still counts it (only 1 counts). */
    immunosuppressant_drug: yesNoDontKnow.optional(),
    /** Optional, not used by the decision; stored at department level only. */
    postal_code: z
      .string()
      .regex(/^(\d{5}|2[AB]\d{3})$/, { message: 'a French postal code of 5 digits' })
      .optional(),
  })
  .strict()
  .superRefine((answers, context) => {
    if (answers.age === undefined && answers.age_range === undefined) context.addIssue({ code: 'custom', path: ['age'], message: 'give age or age_range' });
    if (answers.age !== undefined && answers.age_range !== undefined && ageRangeOf(answers.age) !== answers.age_range)
      context.addIssue({ code: 'custom', path: ['age_range'], message: `age ${answers.age} is in ${ageRangeOf(answers.age)}` });
    const measured = answers.weight_kg !== undefined || answers.height_cm !== undefined;
    if (answers.imc === undefined && (answers.weight_kg === undefined || answers.height_cm === undefined))
      context.addIssue({
        code: 'custom',
        path: [answers.weight_kg === undefined ? 'weight_kg' : 'height_cm'],
        message: 'give weight_kg and height_cm, or imc',
      });
    else if (answers.imc !== undefined && measured)
      context.addIssue({ code: 'custom', path: ['imc'], message: 'give imc, or weight_kg and height_cm, not both' });
  });
export type OrientationAnswers = z.infer<typeof OrientationAnswers>;

/** The age range of an age in years (2020-05-10 onwards: 65, no longer 70). */
export function ageRangeOf(age: number): AgeRange {
  return age < 15 ? 'inf_15' : age < 50 ? 'from_15_to_49' : age < 65 ? 'from_50_to_64' : 'sup_65';
}

/** The official messages (French, official text) and their English translations. */
export const ORIENTATION_MESSAGES: Record<Fin, { fr: string; en: string }> = {
  FIN1: {
    fr: 'Cette application n’est pas faite pour les personnes de moins de 15 ans. Prenez contact avec votre médecin généraliste au moindre doute. En cas d’urgence, appelez le 15.',
    en: 'This service is not meant for people under 15. Contact your general practitioner if in any doubt. In an emergency, call 15.',
  },
  FIN3: {
    fr: 'Votre situation peut relever d’un Covid-19. Demandez une téléconsultation ou un médecin généraliste ou une visite à domicile. Appelez le 15 si une gêne respiratoire ou des difficultés importantes pour vous alimenter ou boire apparaissent pendant plus de 24 heures. En attendant et pour casser les chaînes de transmission, nous vous conseillons de vous isoler et de respecter les gestes barrières pour protéger vos proches.',
    en: 'Your situation may be Covid-19. Ask for a teleconsultation, a general practitioner or a home visit. Call 15 if breathing difficulties, or serious difficulties eating or drinking for more than 24 hours, appear. Meanwhile, to break the chains of transmission, we advise you to isolate yourself and follow the protective measures to protect those close to you.',
  },
  FIN4: {
    fr: 'Votre situation peut relever d’un Covid-19. Demandez une téléconsultation ou un médecin généraliste ou une visite à domicile. Si vous n’arrivez pas à obtenir de consultation, appelez le 15. En attendant et pour casser les chaînes de transmission, nous vous conseillons de vous isoler et de respecter les gestes barrières pour protéger vos proches.',
    en: 'Your situation may be Covid-19. Ask for a teleconsultation, a general practitioner or a home visit. If you cannot get a consultation, call 15. Meanwhile, to break the chains of transmission, we advise you to isolate yourself and follow the protective measures to protect those close to you.',
  },
  FIN5: { fr: 'Appelez le 15.', en: 'Call 15.' },
  FIN6: {
    fr: 'Votre situation peut relever d’un Covid-19. Demandez une téléconsultation ou un médecin généraliste ou une visite à domicile (SOS médecins, etc.) En attendant et pour casser les chaînes de transmission, nous vous conseillons de vous isoler et de respecter les gestes barrières pour protéger vos proches.',
    en: 'Your situation may be Covid-19. Ask for a teleconsultation, a general practitioner or a home visit (SOS Médecins, etc.). Meanwhile, to break the chains of transmission, we advise you to isolate yourself and follow the protective measures to protect those close to you.',
  },
  FIN7: {
    fr: 'Votre situation peut relever d’un Covid-19. Demandez une téléconsultation ou un médecin généraliste. Au moindre doute, appelez le 15. En attendant et pour casser les chaînes de transmission, nous vous conseillons de vous isoler et de respecter les gestes barrières pour protéger vos proches.',
    en: 'Your situation may be Covid-19. Ask for a teleconsultation or a general practitioner. If in any doubt, call 15. Meanwhile, to break the chains of transmission, we advise you to isolate yourself and follow the protective measures to protect those close to you.',
  },
  FIN8: {
    fr: 'Votre situation ne relève probablement pas du Covid-19. N’hésitez pas à contacter votre médecin en cas de doute. Vous pouvez refaire le test en cas de nouveau symptôme pour réévaluer la situation. Pour toute information concernant le Covid-19, composer le 0 800 130 000.',
    en: 'Your situation is probably not Covid-19. Do not hesitate to contact your doctor if in doubt. You can take the test again if a new symptom appears, to reassess the situation. For any information about Covid-19, call 0 800 130 000.',
  },
};

/** Shown to everyone after the result (official document §3). */
export const ORIENTATION_AFTERWORD = {
  fr: 'Restez chez vous au maximum en attendant que les symptômes disparaissent. Prenez votre température deux fois par jour. Rappel des mesures d’hygiène. Un dispositif national grand public de soutien psychologique au bénéfice des personnes qui en auraient besoin est accessible via le numéro vert : 0 800 130 000.',
  en: 'Stay at home as much as possible until the symptoms are gone. Take your temperature twice a day. Remember the hygiene measures. A national psychological support service for those who need it is available on the free number 0 800 130 000.',
};

/** The display urgency of each outcome, most urgent first (the demonstrator's order), for colouring. */
export const ORIENTATION_URGENCY: Record<Fin, { rank: number; level: 'danger' | 'warning' | 'success' }> = {
  FIN1: { rank: 1, level: 'danger' },
  FIN5: { rank: 2, level: 'danger' },
  FIN4: { rank: 3, level: 'danger' },
  FIN3: { rank: 4, level: 'warning' },
  FIN7: { rank: 5, level: 'warning' },
  FIN6: { rank: 7, level: 'warning' },
  FIN8: { rank: 8, level: 'success' },
};

/** What the decision used, as the reference implementations compute it. */
export interface OrientationResult {
  fin: Fin;
  orientation: OrientationCode;
  ageRange: AgeRange;
  /** Rounded to one decimal, as stored and as compared with 30. */
  imc: number;
  feverAlgo: boolean;
  heartDiseaseAlgo: boolean;
  immunosuppressantDiseaseAlgo: boolean;
  pronosticFactors: number;
  minorSeverityFactors: number;
  majorSeverityFactors: number;
}
