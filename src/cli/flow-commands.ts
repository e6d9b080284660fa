// `rempart flow validate FILE…`: a flow document checked as the server checks it, every problem with its path.
import type { Command } from 'commander';
import { RempartError } from '../errors.js';
import { shippedFlows, validateFlow } from '../operations/flows.js';
import { readDocumentFile } from './json-file.js';

export function registerFlowCommands(program: Command, out: NodeJS.WritableStream = process.stdout): void {
  const flow = program.command('flow').description('Conversation flows (JSON or YAML documents): check them before they are used');
  flow
    .command('validate')
    .description('Check flow documents: schema, steps and flows named by goto, every text in every language, variables set before use')
    .argument('<files...>', 'flow documents (JSON, or YAML when named .yaml or .yml)')
    .option('--json', 'print {"file", "id", "version", "steps"} per valid file')
    .action(async (files: string[], flags: { json?: boolean }) => {
      const documents = await Promise.all(files.map(async (file) => ({ file, json: await readDocumentFile(file, 'FILE') })));
      // A goto may name another of the given files, or a shipped flow.
      const known = { ...shippedFlows() };
      for (const { json } of documents)
        if (json && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string') known[(json as { id: string }).id] = json as never;
      const results = documents.map(({ file, json }) => ({ file, ...validateFlow(json, known) }));
      const problems = results.flatMap(({ file, problems }) =>
        problems.map((problem) => ({ ...problem, path: files.length > 1 ? `${file}: ${problem.path}` : problem.path })),
      );
      if (problems.length > 0)
        throw new RempartError(
          'invalid_input',
          `${problems.length} problem(s) in ${results
            .filter((r) => r.problems.length > 0)
            .map((r) => r.file)
            .join(', ')}.`,
          problems,
        );
      for (const { file, flow: valid } of results) {
        const summary = { file, id: valid!.id, version: valid!.version, steps: Object.keys(valid!.steps).length };
        out.write(flags.json ? `${JSON.stringify(summary)}\n` : `${file}: flow ${summary.id} version ${summary.version}, ${summary.steps} steps, valid\n`);
      }
    });
}
