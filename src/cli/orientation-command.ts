// `rempart orientation --answers FILE --json`: the official orientation algorithm (2020-06-09) on answers given under
// the data schema's variable names, one object or an array of them, as an integrator checks a questionnaire against it.
import type { Command } from 'commander';
import { orient } from '../engine/orientation.js';
import { RempartError } from '../errors.js';
import { OrientationAnswers, ORIENTATION_MESSAGES } from '../model/orientation.js';
import { problemsFromZod, type Problem } from '../model/problem.js';
import { readJsonFile } from './json-file.js';

export function registerOrientationCommand(program: Command, out: NodeJS.WritableStream = process.stdout): void {
  program
    .command('orientation')
    .description('Run the official French Covid-19 orientation algorithm (version 2020-06-09) on questionnaire answers')
    .requiredOption('--answers <file>', 'a JSON answers object, or an array of them (data-schema names: age or age_range, weight_kg and height_cm or imc, …)')
    .option('--json', 'print {"fin", "orientation"} per input (an array for an array)')
    .option('--lang <lang>', 'language of the messages without --json: fr or en', 'fr')
    .action(async (flags: { answers: string; json?: boolean; lang: string }) => {
      const input = await readJsonFile(flags.answers, '--answers');
      const many = Array.isArray(input);
      const items: unknown[] = many ? input : [input];
      // Every answers object is checked before any is judged: all the problems at once, with their paths.
      const problems: Problem[] = [];
      const parsed = items.map((item, index) => {
        const result = OrientationAnswers.safeParse(item);
        if (!result.success) problems.push(...problemsFromZod(result.error, item, many ? [index] : []));
        return result.success ? result.data : undefined;
      });
      if (problems.length > 0)
        throw new RempartError('invalid_input', `${flags.answers} has ${problems.length} problem(s); no orientation was computed.`, problems);
      const results = parsed.map((answers) => orient(answers!));
      if (flags.json) {
        const printed = results.map((result) => ({ fin: result.fin, orientation: result.orientation }));
        out.write(`${JSON.stringify(many ? printed : printed[0])}\n`);
        return;
      }
      const lang = flags.lang === 'en' ? 'en' : 'fr';
      for (const result of results) out.write(`${result.fin} (${result.orientation}): ${ORIENTATION_MESSAGES[result.fin][lang]}\n`);
    });
}
