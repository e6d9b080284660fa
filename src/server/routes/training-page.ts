// The training page a personal link opens, `{REMPART_PUBLIC_URL}/t/{token}`: for people of the directory who have no
// account. Server-rendered, without sign-in or JavaScript, in the person's language, as the check-in page (same
// style, same headers): the content links, the quiz without its answers, the acknowledgement. The same address takes
// the answer as a form or as JSON. An unknown link gets 404, an ended one (campaign closed) 410.
import { parse as parseQuery } from 'node:querystring';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Language } from '../../model/alert-texts.js';
import { TrainingAnswer } from '../../model/assurance.js';
import { problemsFromZod } from '../../model/problem.js';
import { TRAINING_TEXTS } from '../../model/training-texts.js';
import { RempartError } from '../../errors.js';
import { answerByLink, assignmentStatus, trainingByLink } from '../../operations/training.js';
import type { AssignmentRecord, TrainingCampaignRecord } from '../../store/training-repository.js';
import { escape, gonePage, notFoundPage, page, secure } from './checkin-page.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const HTML = 'text/html; charset=utf-8';

function trainingForm(language: Language, campaign: TrainingCampaignRecord, assignment: AssignmentRecord, notice: string): string {
  const t = TRAINING_TEXTS[language];
  const status = assignmentStatus(assignment);
  const content = campaign.content.length
    ? `<h2>${escape(t.read)}</h2><ul>${campaign.content.map((link) => `<li><a href="${escape(link.url)}" rel="noopener noreferrer">${escape(link.title)}</a></li>`).join('')}</ul>`
    : '';
  const quiz = campaign.quiz
    ? `<h2>${escape(t.quiz)}</h2><p class="hint">${escape(t.passMark)} ${campaign.quiz.passMark} %</p>${campaign.quiz.questions
        .map(
          (question, i) =>
            `<fieldset><legend>${i + 1}. ${escape(question.question)}</legend>${question.choices
              .map((choice, j) => `<label class="choice"><input type="radio" name="q${i}" value="${j}" required>${escape(choice)}</label>`)
              .join('')}</fieldset>`,
        )
        .join('')}`
    : '';
  const done = status === 'completed';
  const form = done
    ? ''
    : `<form method="post">${quiz}<fieldset><legend>${escape(t.acknowledge)}</legend><label class="choice"><input type="checkbox" name="acknowledge" value="on" required> ${escape(campaign.acknowledgement)}</label></fieldset><button type="submit">${escape(t.submit)}</button></form>`;
  const state = done ? `<p class="notice" role="status">${escape(t.completed)}</p>` : '';
  return page(
    language,
    campaign.title,
    `${notice}<h1>${escape(campaign.title)}</h1><p>${escape(t.intro)}</p><p><strong>${escape(t.due)} ${escape(campaign.due)}</strong></p>${notice ? '' : state}${content}${form}`,
  );
}

/** The form's fields as the JSON answer: `acknowledge=on` and one `q<i>` per question. */
function fromForm(body: Record<string, unknown>, questions: number): unknown {
  const answers = Array.from({ length: questions }, (_, i) =>
    typeof body[`q${i}`] === 'string' && /^\d$/.test(body[`q${i}`] as string) ? Number(body[`q${i}`]) : -1,
  );
  return { acknowledge: body.acknowledge === 'on' ? true : body.acknowledge, ...(questions ? { answers } : {}) };
}

export const trainingPageRoutes: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, parseQuery(body as string));
  });
  const tokenOf = (request: FastifyRequest) => (request.params as { token: string }).token;

  app.get('/t/:token', { schema: { hide: true } }, async (request, reply) => {
    secure(reply).type(HTML);
    const found = await trainingByLink(app.db, tokenOf(request));
    if (found.state === 'unknown') return reply.code(404).send(notFoundPage());
    if (found.state !== 'active') return reply.code(410).send(gonePage(found.assignment.language, found.state));
    return reply.send(trainingForm(found.assignment.language, found.campaign, found.assignment, ''));
  });

  app.post('/t/:token', { schema: { hide: true }, bodyLimit: 16 * 1024, config: { accepts: [FORM, JSON_TYPE] } }, async (request, reply) => {
    secure(reply);
    const asJson = (request.headers['content-type'] ?? '').toLowerCase().startsWith(JSON_TYPE);
    const found = await trainingByLink(app.db, tokenOf(request));
    if (found.state === 'unknown')
      return asJson
        ? reply.code(404).send({
            error: {
              code: 'not_found',
              message: 'No such training link.',
              details: [{ path: 'token', rule: 'exists', value: null, message: 'no such link' }],
            },
          })
        : reply.code(404).type(HTML).send(notFoundPage());
    if (found.state !== 'active')
      return asJson
        ? reply.code(410).send({
            error: {
              code: 'link_gone',
              message: 'This link no longer opens anything.',
              details: [{ path: 'token', rule: found.state, value: null, message: found.state }],
            },
          })
        : reply.code(410).type(HTML).send(gonePage(found.assignment.language, found.state));
    const language = found.assignment.language;
    const t = TRAINING_TEXTS[language];
    const raw = asJson ? (request.body ?? {}) : fromForm((request.body ?? {}) as Record<string, unknown>, found.campaign.quiz?.questions.length ?? 0);
    const invalid = (details: unknown[]) =>
      asJson
        ? reply.code(400).send({ error: { code: 'invalid_input', message: `The answer is invalid: ${details.length} problem(s).`, details } })
        : reply
            .code(400)
            .type(HTML)
            .send(
              trainingForm(
                language,
                found.campaign,
                found.assignment,
                `<p class="error" role="alert"><strong>${escape(t.invalidTitle)}.</strong> ${escape(t.invalid)}</p>`,
              ),
            );
    const parsed = TrainingAnswer.safeParse(raw, { reportInput: true });
    if (!parsed.success) return invalid(problemsFromZod(parsed.error, raw, ['body']));
    let outcome;
    try {
      outcome = await answerByLink(app.db, tokenOf(request), parsed.data);
    } catch (error) {
      if (error instanceof RempartError && error.code === 'invalid_input') return invalid(error.details);
      if (error instanceof RempartError && error.code === 'conflict' && !asJson) {
        const again = await trainingByLink(app.db, tokenOf(request));
        if (again.state === 'active')
          return reply
            .code(409)
            .type(HTML)
            .send(trainingForm(language, again.campaign, again.assignment, ''));
      }
      throw error;
    }
    if (!('result' in outcome)) return reply.code(410).type(HTML).send(gonePage(language, 'revoked'));
    const { result } = outcome;
    if (asJson) return reply.send(result);
    const again = await trainingByLink(app.db, tokenOf(request));
    const notice =
      result.status === 'completed'
        ? `<p class="notice" role="status">${escape(t.completed)}${result.score === null ? '' : ` ${escape(t.score)} ${result.score} %`}</p>`
        : `<p class="error" role="alert">${escape(t.failed)} ${escape(t.score)} ${result.score} %</p>`;
    return reply.type(HTML).send(trainingForm(language, found.campaign, 'assignment' in again ? again.assignment! : found.assignment, notice));
  });
};
