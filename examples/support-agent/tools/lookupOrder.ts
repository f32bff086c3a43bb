import { defineTool } from 'struere';

export const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Finds an order by its number and returns its status.',
  parameters: { orderNumber: { type: 'string' } },
  async handler({ orderNumber }, context) {
    const response = await fetch(`https://orders.example.com/v2/orders/${encodeURIComponent(orderNumber)}`, {
      headers: { authorization: `Bearer ${context.secrets.ORDERS_API_TOKEN}` },
    });
    if (!response.ok) return { found: false };
    return { found: true, order: await response.json() };
  },
});
