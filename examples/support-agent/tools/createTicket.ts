import { defineTool } from 'struere';

export const createTicket = defineTool({
  name: 'create_ticket',
  description: 'Opens a support ticket for a human agent.',
  parameters: { subject: { type: 'string' }, body: { type: 'string' } },
  async handler({ subject, body }, context) {
    const token = context.secrets['ZENDESK_TOKEN'];
    const response = await fetch(`https://${context.secrets.ZENDESK_SUBDOMAIN}.zendesk.example/api/v2/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: { subject, comment: { body } } }),
    });
    return { created: response.ok };
  },
});
