import { defineAgent } from 'struere';

export default defineAgent({
  name: 'billing',
  model: 'claude-sonnet-4-5',
  systemPrompt: `
You handle billing questions for <<secrets.COMPANY_NAME>>.
Greet new customers with the template <<secrets.WELCOME_TEMPLATE>>.
In test conversations, use the sandbox customer {{secrets.SANDBOX_CUSTOMER_ID}}.
`,
});
