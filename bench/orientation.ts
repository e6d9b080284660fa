// 10,000 evaluations of the official orientation algorithm (pure function; goal < 50 ms), with and without checking the
// answers against their schema, beside a baseline that only reads every answer, in the same run. Medians of 21 runs.
// Run: npx tsx bench/orientation.ts
import { createRandom } from '../src/engine/random.js';
import { orient } from '../src/engine/orientation.js';
import { OrientationAnswers, TEMPERATURE_CATEGORIES } from '../src/model/orientation.js';

const random = createRandom(2020, 609);
const bool = () => random() < 0.3;
const inputs = Array.from({ length: 10_000 }, () => ({
  temperature_cat: TEMPERATURE_CATEGORIES[Math.floor(random() * TEMPERATURE_CATEGORIES.length)],
  cough: bool(),
  agueusia_anosmia: bool(),
  sore_throat_aches: bool(),
  diarrhea: bool(),
  tiredness: bool(),
  tiredness_details: bool(),
  feeding_day: random() < 0.05,
  breathlessness: random() < 0.05,
  age: Math.floor(random() * 100),
  weight_kg: 45 + Math.floor(random() * 70),
  height_cm: 150 + Math.floor(random() * 45),
  heart_disease: random() < 0.1 ? 999 : random() < 0.1 ? 1 : 0,
  diabetes: bool(),
  cancer: random() < 0.05,
  breathing_disease: bool(),
  kidney_disease: random() < 0.02,
  liver_disease: random() < 0.02,
  pregnant: random() < 0.5 ? 888 : 0,
  sickle_cell: random() < 0.01,
  immunosuppressant_disease: random() < 0.05 ? 1 : 0,
}));
const parsed = inputs.map((input) => OrientationAnswers.parse(input));

function median(work: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < 21; run++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[10];
}

let sink = 0;
const baseline = median(() => {
  for (const answers of parsed) sink += Number(answers.cough) + answers.age! + answers.weight_kg!;
});
const evaluate = median(() => {
  for (const answers of parsed) sink += orient(answers).pronosticFactors;
});
const checked = median(() => {
  for (const input of inputs) sink += orient(OrientationAnswers.parse(input)).pronosticFactors;
});
const outcomes = new Map<string, number>();
for (const answers of parsed) outcomes.set(orient(answers).fin, (outcomes.get(orient(answers).fin) ?? 0) + 1);

console.log(`10,000 orientation evaluations (median of 21):`);
console.log(`  read every answer (baseline)     ${baseline.toFixed(2)} ms`);
console.log(`  orient()                         ${evaluate.toFixed(2)} ms   (${(evaluate / baseline).toFixed(1)}× baseline; goal < 50 ms)`);
console.log(`  schema check + orient()          ${checked.toFixed(2)} ms   (${(checked / baseline).toFixed(1)}× baseline)`);
console.log(
  `  outcomes: ${[...outcomes]
    .sort()
    .map(([fin, count]) => `${fin} ${count}`)
    .join(', ')}   (${sink > 0 ? 'checked' : ''})`,
);
