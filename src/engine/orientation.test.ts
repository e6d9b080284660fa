// Every rule and boundary of shared/spec/orientation-algorithm.md §2–3 (version 2020-06-09), table-driven, and the
// data-sharing record checked against the official schema (data/orientation/schema.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrientationAnswers, ORIENTATION_CODES, type Fin } from '../model/orientation.js';
import { bodyMassIndex, earlyOrientation, feverAlgo, orient, SHARING_COLUMNS, sharingRecord } from './orientation.js';

/** A 30-year-old of BMI 22.0 with no symptom and no risk factor: FIN8. */
const HEALTHY: OrientationAnswers = {
  temperature_cat: '35.5-37.7',
  cough: false,
  agueusia_anosmia: false,
  sore_throat_aches: false,
  diarrhea: false,
  tiredness: false,
  feeding_day: false,
  breathlessness: false,
  age: 30,
  imc: 22,
  heart_disease: 0,
  diabetes: false,
  cancer: false,
  breathing_disease: false,
  kidney_disease: false,
  liver_disease: false,
  pregnant: 0,
  sickle_cell: false,
  immunosuppressant_disease: 0,
};

const fin = (changes: Partial<OrientationAnswers>) => orient(OrientationAnswers.parse({ ...HEALTHY, ...changes })).fin;
/** The tiredness that confines to bed: the second minor gravity factor. */
const BEDRIDDEN = { tiredness: true, tiredness_details: true };

describe('the decision tree, rule by rule', () => {
  const cases: Array<[string, Partial<OrientationAnswers>, Fin]> = [
    // R1, before everything else
    ['R1: under 15', { age: 14 }, 'FIN1'],
    ['R1 before R2: 14 and breathless', { age: 14, breathlessness: true }, 'FIN1'],
    ['R1 by range', { age: undefined, age_range: 'inf_15', feeding_day: true }, 'FIN1'],
    ['R1 boundary: 15 and breathless is R2', { age: 15, breathlessness: true }, 'FIN5'],
    // R2
    ['R2: cannot eat or drink for 24 h', { feeding_day: true }, 'FIN5'],
    ['R2: breathless', { breathlessness: true, cough: true }, 'FIN5'],
    // R3: fever and cough
    ['R3: fever ≥ 39 and cough, no prognostic factor', { temperature_cat: 'sup_39', cough: true }, 'FIN6'],
    ['R3: "Je ne sais pas" is fever', { temperature_cat: 'NSP', cough: true }, 'FIN6'],
    ['R3: below 35.5 is fever', { temperature_cat: 'inf_35.5', cough: true }, 'FIN6'],
    ['R3: with a prognostic factor, one minor factor (2020-06-09: FIN7, was FIN6)', { temperature_cat: 'sup_39', cough: true, diabetes: true }, 'FIN7'],
    ['R3: with a prognostic factor, two minor factors', { temperature_cat: 'sup_39', cough: true, diabetes: true, ...BEDRIDDEN }, 'FIN4'],
    // The 37.8–38.9 trap: not fever for the tree
    ['37.8–38.9 with cough alone is not R3 but R5', { temperature_cat: '37.8-38.9', cough: true }, 'FIN6'],
    ['37.8–38.9 with cough and a factor: R5, FIN7', { temperature_cat: '37.8-38.9', cough: true, cancer: true }, 'FIN7'],
    ['37.8–38.9 alone: nothing', { temperature_cat: '37.8-38.9' }, 'FIN8'],
    // R4
    ['R4: fever alone, no factor (minor 1)', { temperature_cat: 'sup_39' }, 'FIN3'],
    ['R4: diarrhea, no factor, no minor, 15–49', { diarrhea: true }, 'FIN6'],
    ['R4 boundary: diarrhea at 49', { diarrhea: true, age: 49 }, 'FIN6'],
    ['R4 boundary: diarrhea at 50', { diarrhea: true, age: 50 }, 'FIN3'],
    ['R4: diarrhea, bedridden (minor 1)', { diarrhea: true, ...BEDRIDDEN }, 'FIN3'],
    ['R4: cough and aches', { cough: true, sore_throat_aches: true }, 'FIN6'],
    ['R4: cough and anosmia, 64 (no factor)', { cough: true, agueusia_anosmia: true, age: 64 }, 'FIN3'],
    ['R4: aches and anosmia', { sore_throat_aches: true, agueusia_anosmia: true }, 'FIN6'],
    ['R4: diarrhea with a factor, minor < 2', { diarrhea: true, kidney_disease: true }, 'FIN3'],
    ['R4: fever with a factor, minor 2', { temperature_cat: 'NSP', liver_disease: true, ...BEDRIDDEN }, 'FIN4'],
    ['R4: all three symptoms', { cough: true, sore_throat_aches: true, agueusia_anosmia: true }, 'FIN6'],
    // R5
    ['R5: aches alone', { sore_throat_aches: true }, 'FIN6'],
    ['R5: anosmia alone with a factor', { agueusia_anosmia: true, breathing_disease: true }, 'FIN7'],
    ['R5: cough alone', { cough: true }, 'FIN6'],
    // R6
    ['R6: nothing', {}, 'FIN8'],
    ['R6: nothing, whatever the factors', { age: 80, diabetes: true, imc: 35 }, 'FIN8'],
    ['R6: tiredness alone is no symptom', BEDRIDDEN, 'FIN8'],
  ];
  it.each(cases)('%s', (_, changes, expected) => expect(fin(changes)).toBe(expected));
});

describe('prognostic factors and their boundaries', () => {
  // Aches alone reach R5, where a prognostic factor turns FIN6 into FIN7.
  const withAches = (changes: Partial<OrientationAnswers>) => fin({ sore_throat_aches: true, ...changes });
  const cases: Array<[string, Partial<OrientationAnswers>, Fin]> = [
    ['age 64: no factor', { age: 64 }, 'FIN6'],
    ['age 65: a factor (65 since 2020-05-10, not 70)', { age: 65 }, 'FIN7'],
    ['range sup_65', { age: undefined, age_range: 'sup_65' }, 'FIN7'],
    ['BMI 29.9', { imc: 29.9 }, 'FIN6'],
    ['BMI 30.0', { imc: 30 }, 'FIN7'],
    ['BMI 29.93 (86.5 kg, 170 cm) rounds to 29.9', { imc: undefined, weight_kg: 86.5, height_cm: 170 }, 'FIN6'],
    ['BMI 29.965 (86.6 kg, 170 cm) rounds to 30.0 and counts', { imc: undefined, weight_kg: 86.6, height_cm: 170 }, 'FIN7'],
    ['heart disease "Je ne sais pas" counts', { heart_disease: 999 }, 'FIN7'],
    ['heart disease 1', { heart_disease: 1 }, 'FIN7'],
    ['immunodepression "Je ne sais pas" does not count', { immunosuppressant_disease: 999 }, 'FIN6'],
    ['immunodepression 1', { immunosuppressant_disease: 1 }, 'FIN7'],
    ['pregnant "Non applicable" does not count', { pregnant: 888 }, 'FIN6'],
    ['pregnant, third trimester', { pregnant: 1 }, 'FIN7'],
    ['sickle cell (new in 2020-06-09)', { sickle_cell: true }, 'FIN7'],
    ['diabetes', { diabetes: true }, 'FIN7'],
    ['cancer', { cancer: true }, 'FIN7'],
    ['legacy immunosuppressant_drug 1 counts, as the validator counts it', { immunosuppressant_drug: 1 }, 'FIN7'],
    ['legacy immunosuppressant_drug 999 does not', { immunosuppressant_drug: 999 }, 'FIN6'],
  ];
  it.each(cases)('%s', (_, changes, expected) => expect(withAches(changes)).toBe(expected));

  it('counts tiredness details only when tiredness was answered yes', () => {
    const notTired = orient(OrientationAnswers.parse({ ...HEALTHY, tiredness: false, tiredness_details: true }));
    expect(notTired.minorSeverityFactors).toBe(0);
    expect(orient(OrientationAnswers.parse({ ...HEALTHY, ...BEDRIDDEN })).minorSeverityFactors).toBe(1);
  });

  it('counts every factor the reference implementations count', () => {
    const all = orient(
      OrientationAnswers.parse({
        ...HEALTHY,
        age: 70,
        imc: 31,
        heart_disease: 999,
        diabetes: true,
        cancer: true,
        breathing_disease: true,
        kidney_disease: true,
        liver_disease: true,
        pregnant: 1,
        sickle_cell: true,
        immunosuppressant_disease: 1,
        temperature_cat: 'sup_39',
        breathlessness: true,
        feeding_day: true,
        ...BEDRIDDEN,
      }),
    );
    expect([all.pronosticFactors, all.minorSeverityFactors, all.majorSeverityFactors]).toEqual([11, 2, 2]);
  });

  it('defines fever as the tree does: three categories of five', () => {
    expect((['inf_35.5', '35.5-37.7', '37.8-38.9', 'sup_39', 'NSP'] as const).map(feverAlgo)).toEqual([true, false, false, true, true]);
    expect(bodyMassIndex(70, 175)).toBe(22.9);
  });
});

describe('the tree as a whole', () => {
  it('reaches exactly one of the seven 2020-06-09 outcomes for every combination, and each of them', () => {
    const reached = new Set<Fin>();
    const booleans = [false, true];
    for (const age of [10, 30, 55, 70])
      for (const temperature_cat of ['35.5-37.7', '37.8-38.9', 'sup_39'] as const)
        for (const cough of booleans)
          for (const sore_throat_aches of booleans)
            for (const agueusia_anosmia of booleans)
              for (const diarrhea of booleans)
                for (const breathlessness of booleans)
                  for (const diabetes of booleans)
                    for (const tiredness of booleans) {
                      const result = orient(
                        OrientationAnswers.parse({
                          ...HEALTHY,
                          age,
                          temperature_cat,
                          cough,
                          sore_throat_aches,
                          agueusia_anosmia,
                          diarrhea,
                          breathlessness,
                          diabetes,
                          tiredness,
                          tiredness_details: tiredness,
                        }),
                      );
                      expect(ORIENTATION_CODES[result.fin]).toBe(result.orientation);
                      reached.add(result.fin);
                    }
    expect([...reached].sort()).toEqual(['FIN1', 'FIN3', 'FIN4', 'FIN5', 'FIN6', 'FIN7', 'FIN8']);
  });
});

describe('answers', () => {
  const problems = (input: unknown) => {
    const parsed = OrientationAnswers.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
  };
  it('need the age or its range, and weight and height or the BMI', () => {
    expect(problems({ ...HEALTHY, age: undefined })).toEqual(['age']);
    expect(problems({ ...HEALTHY, imc: undefined, weight_kg: 70 })).toEqual(['height_cm']);
    expect(problems({ ...HEALTHY, weight_kg: 70, height_cm: 170 })).toEqual(['imc']);
    expect(problems({ ...HEALTHY, age: 40, age_range: 'sup_65' })).toEqual(['age_range']);
  });
  it('refuse values out of range, unknown codes and unknown fields (no address, no name)', () => {
    expect(problems({ ...HEALTHY, age: 130 })).toEqual(['age']);
    expect(problems({ ...HEALTHY, imc: 9 })).toEqual(['imc']);
    expect(problems({ ...HEALTHY, heart_disease: 2 })).toEqual(['heart_disease']);
    expect(problems({ ...HEALTHY, temperature_cat: '38' })).toEqual(['temperature_cat']);
    expect(problems({ ...HEALTHY, address: '1 rue de Rivoli' })).toEqual(['']);
    expect(problems({ ...HEALTHY, postal_code: '750' })).toEqual(['postal_code']);
  });
});

describe('early display', () => {
  it('shows FIN1 once the age says under 15, FIN5 once a major factor is answered, nothing otherwise', () => {
    expect(earlyOrientation({ age: 12 })).toBe('FIN1');
    expect(earlyOrientation({ breathlessness: true })).toBe('FIN5');
    expect(earlyOrientation({ feeding_day: true, age: 12 })).toBe('FIN1');
    expect(earlyOrientation({ cough: true, temperature_cat: 'sup_39', age: 40 })).toBeUndefined();
  });
});

interface SchemaField {
  name: string;
  type: 'date' | 'datetime' | 'integer' | 'number' | 'string' | 'boolean';
  constraints?: { required?: boolean; enum?: string[]; pattern?: string; minimum?: number; maximum?: number };
  trueValues?: string[];
  falseValues?: string[];
}

/** The Table Schema rules the official schema uses, checked cell by cell. */
function schemaProblems(row: Record<string, string>, fields: SchemaField[]): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const value = row[field.name];
    const c = field.constraints ?? {};
    if (value === undefined || value === '') {
      if (c.required) problems.push(`${field.name}: required`);
      continue;
    }
    const ok =
      field.type === 'date'
        ? /^\d{4}-\d{2}-\d{2}$/.test(value)
        : field.type === 'datetime'
          ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)
          : field.type === 'integer'
            ? /^-?\d+$/.test(value)
            : field.type === 'number'
              ? /^-?\d+(\.\d+)?$/.test(value)
              : field.type === 'boolean'
                ? [...(field.trueValues ?? ['true']), ...(field.falseValues ?? ['false'])].includes(value)
                : true;
    if (!ok) problems.push(`${field.name}: not a ${field.type}: ${value}`);
    if (c.enum && !c.enum.includes(value)) problems.push(`${field.name}: not in enum: ${value}`);
    if (c.pattern && !new RegExp(c.pattern).test(value)) problems.push(`${field.name}: pattern: ${value}`);
    if (c.minimum !== undefined && Number(value) < c.minimum) problems.push(`${field.name}: below ${c.minimum}`);
    if (c.maximum !== undefined && Number(value) > c.maximum) problems.push(`${field.name}: above ${c.maximum}`);
  }
  for (const name of Object.keys(row)) if (!fields.some((field) => field.name === name)) problems.push(`${name}: not in the schema`);
  return problems;
}

describe('the data-sharing record', () => {
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'orientation', 'schema.json'), 'utf8')) as {
    updated: string;
    fields: SchemaField[];
  };

  it('follows the official schema, column for column, for every outcome', () => {
    expect(schema.updated).toBe('2020-06-09');
    expect([...SHARING_COLUMNS].sort()).toEqual(schema.fields.map((field) => field.name).sort());
    const inputs: Array<Partial<OrientationAnswers>> = [
      { age: 12 },
      { feeding_day: true, heart_disease: 999, pregnant: 888 },
      { temperature_cat: 'sup_39', cough: true },
      { temperature_cat: 'sup_39', cough: true, diabetes: true, ...BEDRIDDEN },
      { diarrhea: true, age: 50, immunosuppressant_disease: 999 },
      { sore_throat_aches: true, pregnant: true, heart_disease: false },
      { postal_code: '2A004' },
    ];
    const outcomes = new Set<string>();
    for (const changes of inputs) {
      const answers = OrientationAnswers.parse({ ...HEALTHY, postal_code: '75019', ...changes });
      const result = orient(answers);
      const record = sharingRecord(answers, result, { at: new Date('2020-06-15T14:32:10.123Z'), durationSeconds: 126.4, formVersion: '2020-06-09' });
      expect(schemaProblems(record, schema.fields)).toEqual([]);
      outcomes.add(record.orientation);
    }
    expect(outcomes.size).toBe(7);
  });

  it('keeps the age range, the BMI, the department and the day, nothing finer', () => {
    const answers = OrientationAnswers.parse({ ...HEALTHY, age: 47, imc: undefined, weight_kg: 81.2, height_cm: 178, postal_code: '69007' });
    const record = sharingRecord(answers, orient(answers), { at: new Date('2020-06-15T14:32:10Z'), durationSeconds: 95, formVersion: '2020-06-09' });
    expect(record).toMatchObject({ age_range: 'from_15_to_49', imc: '25.6', postal_code: '69XXX', date: '2020-06-15T00:00:00Z', duration: '95' });
    const text = JSON.stringify(record);
    for (const secret of ['47', '81.2', '178', '69007', '14:32']) expect(text).not.toContain(secret);
  });
});
