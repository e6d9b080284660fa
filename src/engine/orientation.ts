// The decision of the official orientation algorithm 2020-06-09 (shared/spec/orientation-algorithm.md §2–3): pure,
// evaluated strictly in the official order, first match wins.
import {
  ORIENTATION_CODES,
  ageRangeOf,
  type AgeRange,
  type Fin,
  type OrientationAnswers,
  type OrientationResult,
  type TemperatureCategory,
} from '../model/orientation.js';

/**
 * `fever_algo`: only below 35.5 °C, from 39 °C, or "Je ne sais pas". 37.8–38.9 °C is NOT fever for the tree
 * (implementation.org note 4), whatever the original PDF's "seuil retenu" suggested.
 */
export function feverAlgo(temperature: TemperatureCategory): boolean {
  return temperature === 'inf_35.5' || temperature === 'sup_39' || temperature === 'NSP';
}

/** BMI computed exactly, rounded to one decimal for storage; the rounded value is what is compared (as the validator). */
export function bodyMassIndex(weightKg: number, heightCm: number): number {
  const metres = heightCm / 100;
  return roundOneDecimal(weightKg / (metres * metres));
}

function roundOneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Only an explicit yes counts: 999 "Je ne sais pas", 888 "Non applicable" and 0 do not. */
const isYes = (value: number | boolean | undefined) => value === 1 || value === true;

export function orient(answers: OrientationAnswers): OrientationResult {
  const ageRange: AgeRange = answers.age !== undefined ? ageRangeOf(answers.age) : answers.age_range!;
  const imc = answers.imc !== undefined ? roundOneDecimal(answers.imc) : bodyMassIndex(answers.weight_kg!, answers.height_cm!);
  const fever = feverAlgo(answers.temperature_cat);
  // "Je ne sais pas" counts as yes for heart disease, as no for immunodepression.
  const heartDiseaseAlgo = answers.heart_disease === 1 || answers.heart_disease === 999 || answers.heart_disease === true;
  const immunosuppressantDiseaseAlgo = isYes(answers.immunosuppressant_disease);
  const pronosticFactors =
    Number(ageRange === 'sup_65') +
    Number(imc >= 30) +
    Number(heartDiseaseAlgo) +
    Number(answers.diabetes) +
    Number(answers.cancer) +
    Number(answers.breathing_disease) +
    Number(answers.kidney_disease) +
    Number(answers.liver_disease) +
    Number(isYes(answers.pregnant)) +
    Number(answers.sickle_cell) +
    Number(immunosuppressantDiseaseAlgo) +
    Number(isYes(answers.immunosuppressant_drug));
  // Tiredness details count only when tiredness was answered yes (the question is not asked otherwise).
  const minorSeverityFactors = Number(fever) + Number(answers.tiredness && answers.tiredness_details === true);
  const majorSeverityFactors = Number(answers.breathlessness) + Number(answers.feeding_day);
  const fin = decide({
    ageRange,
    fever,
    cough: answers.cough,
    aches: answers.sore_throat_aches,
    anosmia: answers.agueusia_anosmia,
    diarrhea: answers.diarrhea,
    pf: pronosticFactors,
    minor: minorSeverityFactors,
    major: majorSeverityFactors,
  });
  return {
    fin,
    orientation: ORIENTATION_CODES[fin],
    ageRange,
    imc,
    feverAlgo: fever,
    heartDiseaseAlgo,
    immunosuppressantDiseaseAlgo,
    pronosticFactors,
    minorSeverityFactors,
    majorSeverityFactors,
  };
}

interface Decision {
  ageRange: AgeRange;
  fever: boolean;
  cough: boolean;
  aches: boolean;
  anosmia: boolean;
  diarrhea: boolean;
  pf: number;
  minor: number;
  major: number;
}

/** R1–R6 of §3, in order. */
function decide(d: Decision): Fin {
  if (d.ageRange === 'inf_15') return 'FIN1';
  if (d.major >= 1) return 'FIN5';
  if (d.fever && d.cough) {
    if (d.pf === 0) return 'FIN6';
    return d.minor < 2 ? 'FIN7' : 'FIN4';
  }
  if (d.fever || d.diarrhea || (d.cough && d.aches) || (d.cough && d.anosmia) || (d.aches && d.anosmia)) {
    if (d.pf === 0) {
      if (d.minor === 0) return d.ageRange === 'from_15_to_49' ? 'FIN6' : 'FIN3';
      return 'FIN3';
    }
    return d.minor < 2 ? 'FIN3' : 'FIN4';
  }
  if (Number(d.cough) + Number(d.aches) + Number(d.anosmia) === 1) return d.pf === 0 ? 'FIN6' : 'FIN7';
  return 'FIN8';
}

/**
 * An outcome that can be shown before the questionnaire ends (pseudo-code « Parcours du questionnaire », the
 * demonstrator's nodes 1.7, 1.8 and 2.1): under 15 once the age is known; a major gravity factor (cannot eat or
 * drink, breathlessness) as soon as it is answered, unless the person is known to be under 15 (R1 comes first).
 * Such an early result is shown, never shared: a record is saved only when every question is answered.
 */
export function earlyOrientation(partial: Partial<OrientationAnswers>): Fin | undefined {
  const ageRange = partial.age !== undefined ? ageRangeOf(partial.age) : partial.age_range;
  if (ageRange === 'inf_15') return 'FIN1';
  if (partial.feeding_day === true || partial.breathlessness === true) return 'FIN5';
  return undefined;
}

/** The columns of the official data-sharing CSV (covid19-algorithme-orientation-check schema.json, 2020-06-09), in order. */
export const SHARING_COLUMNS = [
  'algo_version',
  'form_version',
  'date',
  'duration',
  'postal_code',
  'orientation',
  'age_range',
  'imc',
  'feeding_day',
  'breathlessness',
  'temperature_cat',
  'fever_algo',
  'tiredness',
  'tiredness_details',
  'cough',
  'agueusia_anosmia',
  'sore_throat_aches',
  'diarrhea',
  'diabetes',
  'cancer',
  'breathing_disease',
  'kidney_disease',
  'liver_disease',
  'pregnant',
  'sickle_cell',
  'heart_disease',
  'heart_disease_algo',
  'immunosuppressant_disease',
  'immunosuppressant_disease_algo',
] as const;
export type SharingRecord = Record<(typeof SHARING_COLUMNS)[number], string>;

const flag = (value: boolean) => (value ? 'true' : 'false');
const coded = (value: number | boolean) => (typeof value === 'boolean' ? flag(value) : String(value));

/**
 * The record of one completed questionnaire as the official rules minimise it (implementation.org, the validator's
 * anonymisation): the age range, not the age; the BMI, not weight and height; the department, not the postal code;
 * the day, not the time. Nothing else about the person is kept.
 */
export function sharingRecord(
  answers: OrientationAnswers,
  result: OrientationResult,
  meta: { at: Date; durationSeconds: number; formVersion: string },
): SharingRecord {
  return {
    algo_version: '2020-06-09',
    form_version: meta.formVersion,
    date: `${meta.at.toISOString().slice(0, 10)}T00:00:00Z`,
    duration: String(Math.max(0, Math.round(meta.durationSeconds))),
    postal_code: answers.postal_code ? `${answers.postal_code.slice(0, 2)}XXX` : '',
    orientation: result.orientation,
    age_range: result.ageRange,
    imc: result.imc.toFixed(1),
    feeding_day: flag(answers.feeding_day),
    breathlessness: flag(answers.breathlessness),
    temperature_cat: answers.temperature_cat,
    fever_algo: flag(result.feverAlgo),
    tiredness: flag(answers.tiredness),
    tiredness_details: flag(answers.tiredness && answers.tiredness_details === true),
    cough: flag(answers.cough),
    agueusia_anosmia: flag(answers.agueusia_anosmia),
    sore_throat_aches: flag(answers.sore_throat_aches),
    diarrhea: flag(answers.diarrhea),
    diabetes: flag(answers.diabetes),
    cancer: flag(answers.cancer),
    breathing_disease: flag(answers.breathing_disease),
    kidney_disease: flag(answers.kidney_disease),
    liver_disease: flag(answers.liver_disease),
    pregnant: coded(answers.pregnant),
    sickle_cell: flag(answers.sickle_cell),
    heart_disease: coded(answers.heart_disease),
    heart_disease_algo: flag(result.heartDiseaseAlgo),
    immunosuppressant_disease: coded(answers.immunosuppressant_disease),
    immunosuppressant_disease_algo: flag(result.immunosuppressantDiseaseAlgo),
  };
}
