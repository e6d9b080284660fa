// The built-in functions flows may call: the official orientation algorithm (2020-06-09) on the answers a
// conversation gathered, and its early display. A record leaves as an effect, only for a complete questionnaire, and
// only minimised (sharingRecord): the age, weight, height, postal code and time stay in the conversation, which
// forgets them when it ends.
import { type FlowValue } from '../model/flow.js';
import { ORIENTATION_MESSAGES, ORIENTATION_URGENCY, OrientationAnswers } from '../model/orientation.js';
import type { Builtins, FlowEffect } from './flow.js';
import { earlyOrientation, orient, sharingRecord } from './orientation.js';

const ANSWER_NAMES = [
  'temperature_cat', 'cough', 'agueusia_anosmia', 'sore_throat_aches', 'diarrhea', 'tiredness', 'tiredness_details', 'feeding_day',
  'breathlessness', 'age', 'age_range', 'weight_kg', 'height_cm', 'imc', 'heart_disease', 'diabetes', 'cancer', 'breathing_disease',
  'kidney_disease', 'liver_disease', 'pregnant', 'sickle_cell', 'immunosuppressant_disease', 'postal_code',
]; // prettier-ignore

/** The answers a conversation holds under the data schema's names; a skipped postal code is no postal code. */
function answersOf(vars: Readonly<Record<string, FlowValue>>): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const key of ANSWER_NAMES) if (vars[key] !== undefined && vars[key] !== null) answers[key] = vars[key];
  // Asked only after a yes to tiredness.
  if (answers.tiredness === false) delete answers.tiredness_details;
  return answers;
}

export const FLOW_BUILTINS: Builtins = {
  orientation: (vars, context): { value: FlowValue; effects?: FlowEffect[] } => {
    const parsed = OrientationAnswers.safeParse(answersOf(vars));
    if (!parsed.success) return { value: { complete: false } };
    const result = orient(parsed.data);
    const record = sharingRecord(parsed.data, result, {
      at: new Date(context.now),
      durationSeconds: (context.now - context.startedAt) / 1000,
      formVersion: context.flow.version,
    });
    return {
      value: {
        complete: true,
        fin: result.fin,
        orientation: result.orientation,
        level: ORIENTATION_URGENCY[result.fin].level,
        message: ORIENTATION_MESSAGES[result.fin],
      },
      effects: [{ type: 'orientationRecord', data: record }],
    };
  },
  earlyOrientation: (vars) => {
    const fin = earlyOrientation(answersOf(vars) as Partial<OrientationAnswers>);
    return { value: fin ? { fin, message: ORIENTATION_MESSAGES[fin], level: ORIENTATION_URGENCY[fin].level } : null };
  },
};
