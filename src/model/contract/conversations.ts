// What the public conversation API answers (the widget's and any other client's), and what a message to it may be.
import { z } from 'zod';
import { FlowMessage } from '../flow.js';
import { isInvalidText } from '../text.js';

export { FlowMessage };

export const ConversationStarted = z
  .object({
    id: z.string().meta({ description: 'The conversation’s id (random, unguessable): the only way back to it, with the same key' }),
    messages: z.array(FlowMessage),
  })
  .meta({ id: 'ConversationStarted' });
export type ConversationStarted = z.infer<typeof ConversationStarted>;

export const ConversationReply = z.object({ messages: z.array(FlowMessage) }).meta({ id: 'ConversationReply' });
export type ConversationReply = z.infer<typeof ConversationReply>;

const Said = z
  .string()
  .max(1000)
  .refine((text) => !isInvalidText(text), { message: 'no NUL character nor lone surrogate', params: { rule: 'invalid_text' } });

export const ConversationStart = z
  .object({
    lang: z
      .string()
      .regex(/^[a-z]{2}$/, { message: 'a language: fr, en' })
      .optional()
      .meta({ description: 'The language to speak, if the flow speaks it (its first language otherwise)' }),
    flow: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'a flow id' })
      .optional()
      .meta({ description: 'The flow to run (default: orientation)' }),
  })
  .strict()
  .meta({ id: 'ConversationStart' });

/** A message: what the person typed (`text`) or the quick reply they picked (`choice`), one of the two. */
export const ConversationMessage = z
  .object({
    text: Said.optional().meta({ description: 'What the person typed' }),
    choice: z.string().min(1).max(100).optional().meta({ description: 'The id of the quick reply the person picked' }),
  })
  .strict()
  .superRefine((body, context) => {
    if ((body.text === undefined) === (body.choice === undefined))
      context.addIssue({
        code: 'custom',
        path: [body.text === undefined ? 'text' : 'choice'],
        message: 'either text or choice, one of the two',
        params: { rule: 'one_of' },
        input: body.text ?? body.choice,
      });
  })
  .meta({ id: 'ConversationMessage' });
