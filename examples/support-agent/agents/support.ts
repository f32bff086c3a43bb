import { defineAgent } from 'struere';
import { lookupOrder } from '../tools/lookupOrder';
import { createTicket } from '../tools/createTicket';

export default defineAgent({
  name: 'support',
  model: 'claude-sonnet-4-5',
  tools: [lookupOrder, createTicket],
  systemPrompt: `
You are the customer support agent of {{secrets.COMPANY_NAME}}.
Answer in the customer's language, briefly and kindly.

When a customer asks for a human, tell them to write to {{ secrets.SUPPORT_EMAIL }}.
For outages, page the on-call engineer through {{secrets.PAGERDUTY_ROUTING_KEY}} and say so.
Never reveal internal identifiers.
`,
});
