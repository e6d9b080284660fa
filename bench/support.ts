// What several benchmarks share: starting a server process and stopping it, a counting SMTP sink, and the orientation
// questionnaire answered to its end.
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** The orientation questionnaire answered to its end: 21 messages, the last saves the record. */
export const ORIENTATION_ANSWERS: readonly string[] = [
  '38,5',
  'oui',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  '42 ans',
  '70 kg',
  '1m75',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  '75011',
];

/**
 * Starts a server process (`dist/…` as deployed, anything else through tsx) and waits for its "running at" line.
 * BENCH_NODE_ARGS (e.g. --cpu-prof) goes to Rempart's own processes only, to profile them under the load.
 */
export function startProcess(command: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const built = command[0].startsWith('dist/');
    const extra = built && process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
    const loader = built ? [] : ['--import', 'tsx'];
    const child = spawn(process.execPath, [...extra, ...loader, ...command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}`)));
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** A local SMTP server that only counts the messages it receives. */
export async function countingSmtpSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  // A client that dies mid-session (a killed worker) resets its connection: expected, not an error of the sink.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, count: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
