// Streams a chat and a completion from an OpenAI-compatible server with the official openai npm client,
// printing one JSON line per call. Run by OpenAiNodeClientIT: node openai-client.mjs BASE_URL MODEL API_KEY PROMPT
import OpenAI from 'openai';

const [baseURL, model, apiKey, question, prompt] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

const models = await client.models.list();
console.log(JSON.stringify({ call: 'models', ids: models.data.map((m) => m.id) }));

const chat = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: question }],
  temperature: 0,
  max_tokens: 96,
  stream: true,
  stream_options: { include_usage: true },
});
let chatText = '';
let chatFinish = null;
let chatUsage = null;
let role = null;
for await (const chunk of chat) {
  for (const choice of chunk.choices) {
    role = role ?? choice.delta?.role ?? null;
    chatText += choice.delta?.content ?? '';
    chatFinish = choice.finish_reason ?? chatFinish;
  }
  chatUsage = chunk.usage ?? chatUsage;
}
console.log(JSON.stringify({ call: 'chat', role, text: chatText, finish: chatFinish, usage: chatUsage }));

const completion = await client.completions.create({
  model,
  prompt,
  temperature: 0,
  max_tokens: 96,
  stream: true,
});
let completionText = '';
let completionFinish = null;
for await (const chunk of completion) {
  for (const choice of chunk.choices) {
    completionText += choice.text ?? '';
    completionFinish = choice.finish_reason ?? completionFinish;
  }
}
console.log(JSON.stringify({ call: 'completion', text: completionText, finish: completionFinish }));

const whole = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: question }],
  temperature: 0,
  max_tokens: 96,
});
console.log(JSON.stringify({ call: 'whole', text: whole.choices[0].message.content, finish: whole.choices[0].finish_reason }));
