// The web view of stream-aligner: asks through the gateway (POST /v1/align), reads its server-sent events and shows
// each request as a card whose sentences settle as the aligner corrects them. Model text is untrusted: it only ever
// enters the document as text (textContent, text nodes), never as markup.
'use strict';

(() => {
  const KEY_STORE = 'stream-aligner.api-key';
  const EXAMPLES = ['What is 23 + 48 - 19?', 'What is 39 - 48 - 14 + 5?', 'What is 17 + 26 - 8?'];
  const PANEL_EVERY_MS = 1000;

  /** An element with a class and text, both optional. */
  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function headers(extra) {
    const all = Object.assign({}, extra);
    const key = sessionStorage.getItem(KEY_STORE);
    if (key) all.Authorization = 'Bearer ' + key;
    return all;
  }

  function askForKey() {
    document.getElementById('key-box').hidden = false;
  }

  /** Reads a text/event-stream body, calling onEvent(name, data) for each event as it arrives. */
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let fieldValue = colon < 0 ? '' : line.slice(colon + 1);
          if (fieldValue.startsWith(' ')) fieldValue = fieldValue.slice(1);
          if (field === 'event') name = fieldValue;
          else if (field === 'data') data.push(fieldValue);
        }
        if (data.length > 0) onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }

  /** What an error response says, from its JSON error object when it has one. */
  async function errorMessage(response) {
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) return body.error.message;
    } catch (notJson) {
      // the status says enough
    }
    return response.statusText || 'failed';
  }

  /** One request on the page: its question, a row per round, the answer. */
  class Card {
    constructor(question) {
      this.root = el('article', 'card');
      this.root.dataset.state = 'sending';
      const head = el('header', 'card-head');
      this.status = el('span', 'status', 'sending…');
      head.append(el('h2', 'question', question), this.status);
      this.rounds = el('ol', 'rounds');
      this.answer = el('p', 'answer');
      this.answer.hidden = true;
      this.meta = el('footer', 'meta');
      this.root.append(head, this.rounds, this.answer, this.meta);
      this.byRound = new Map();
      this.requestId = null;
    }

    /** Forgets what was shown, before a replay shows it all again. */
    reset() {
      this.rounds.replaceChildren();
      this.byRound.clear();
      this.answer.hidden = true;
      this.answer.replaceChildren();
      this.setState('sending', 'replaying…');
    }

    setState(state, status) {
      this.root.dataset.state = state;
      this.status.textContent = status;
    }

    row(round) {
      let row = this.byRound.get(round);
      if (!row) {
        const item = el('li', 'round');
        item.dataset.round = String(round);
        row = { item, text: el('span', 'text'), timing: el('span', 'timing'), written: '', settled: false };
        item.append(el('span', 'n', String(round)), row.text, row.timing);
        this.rounds.append(item);
        this.byRound.set(round, row);
      }
      return row;
    }

    on(name, data) {
      switch (name) {
        case 'request': return this.onRequest(data);
        case 'token': return this.onToken(data);
        case 'sentence': return this.onSentence(data);
        case 'error': return this.onError(data);
        case 'final': return this.onFinal(data);
        default: return undefined;
      }
    }

    onRequest(data) {
      this.requestId = data.request_id;
      const sampling = data.generation.temperature === 0 ? 'greedy' : 'seed ' + data.generation.seed;
      this.meta.textContent = 'request ' + data.request_id + ' · upstream ' + sampling;
      this.setState('streaming', 'writing…');
    }

    onToken(data) {
      const row = this.row(data.round);
      if (row.settled) return;
      row.written += data.text;
      row.item.classList.add('writing');
      row.text.className = 'text provisional';
      row.text.textContent = row.written.replace(/^\s+/, '');
    }

    onSentence(data) {
      const row = this.row(data.round);
      row.settled = true;
      row.item.classList.remove('writing');
      row.item.classList.add(data.changed ? 'changed' : 'unchanged');
      row.text.className = 'text';
      if (data.changed) {
        row.text.replaceChildren(el('del', null, data.original), el('span', 'arrow', '→'), el('ins', null, data.corrected));
      } else {
        row.text.replaceChildren(el('span', 'kept', data.corrected));
      }
      row.timing.textContent = 'upstream ' + data.upstream_ms + ' ms · aligner ' + data.aligner_ms + ' ms · at '
        + data.elapsed_ms + ' ms';
    }

    onError(data) {
      const item = el('li', 'round error');
      item.append(el('span', 'n', '!'), el('span', 'text', data.stage + ' error' + (data.round ? ' in round ' + data.round : '')
        + ': ' + data.message), el('span', 'timing'));
      this.rounds.append(item);
    }

    onFinal(data) {
      this.answer.replaceChildren(el('span', 'label', 'Answer'), document.createTextNode(data.answer));
      this.answer.hidden = false;
      this.setState('done', data.rounds + ' rounds · ' + data.finish_reason + ' · ' + data.total_ms + ' ms in the loop');
    }

    /** The stream ended before the final: offer to replay the request's events, which the gateway keeps. */
    broken(reason) {
      this.setState('broken', reason);
      if (!this.requestId || this.meta.querySelector('button')) return;
      const replay = el('button', null, 'replay');
      replay.type = 'button';
      replay.addEventListener('click', () => {
        replay.remove();
        this.reset();
        follow(fetch('/v1/requests/' + encodeURIComponent(this.requestId) + '/events', { headers: headers() }), this);
      });
      this.meta.append(replay);
    }
  }

  /** Shows the events of a response on a card, until the stream ends. */
  async function follow(request, card) {
    let response;
    try {
      response = await request;
    } catch (unreachable) {
      card.setState('failed', 'cannot reach the application');
      return;
    }
    if (!response.ok) {
      if (response.status === 401) askForKey();
      card.setState('failed', response.status + ': ' + await errorMessage(response));
      return;
    }
    try {
      await readEvents(response, (name, data) => card.on(name, data));
    } catch (cut) {
      // the connection broke; the request goes on in the loop
    }
    if (card.root.dataset.state !== 'done') card.broken('the stream ended before the answer');
  }

  function ask(event) {
    event.preventDefault();
    const question = document.getElementById('question').value;
    if (!question.trim()) return;
    const body = { question };
    const system = document.getElementById('system').value;
    if (system.trim()) body.system = system;
    const generation = {};
    const seed = document.getElementById('seed').value;
    if (seed !== '') generation.seed = Number(seed);
    if (document.getElementById('greedy').checked) generation.temperature = 0;
    if (Object.keys(generation).length > 0) body.generation = generation;
    const maxRounds = document.getElementById('max-rounds').value;
    if (maxRounds !== '') body.max_rounds = Number(maxRounds);

    const card = new Card(question);
    document.getElementById('cards').prepend(card.root);
    follow(fetch('/v1/align', {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    }), card);
  }

  function show(id, text) {
    document.getElementById(id).textContent = text;
  }

  async function refreshPanel() {
    try {
      const response = await fetch('/v1/loop', { headers: headers() });
      if (response.status === 401) {
        askForKey();
        show('in-flight', 'key?');
      } else if (response.ok) {
        const loop = await response.json();
        const p50 = loop.round_p50_ms;
        show('in-flight', String(loop.requests_in_flight));
        show('rounds-per-second', loop.rounds_per_second.toFixed(1));
        show('round-p50', (p50.upstream + p50.aligner + p50.kafka).toFixed(0));
        show('round-p50-stages', 'upstream ' + p50.upstream.toFixed(0) + ' · aligner ' + p50.aligner.toFixed(0)
          + ' · Kafka ' + p50.kafka.toFixed(0));
      }
    } catch (unreachable) {
      show('in-flight', '–');
    }
    setTimeout(refreshPanel, PANEL_EVERY_MS);
  }

  function start() {
    document.getElementById('ask').addEventListener('submit', ask);
    const examples = document.getElementById('examples');
    for (const example of EXAMPLES) {
      const button = el('button', null, example);
      button.type = 'button';
      button.addEventListener('click', () => {
        document.getElementById('question').value = example;
      });
      examples.append(button);
    }
    const saveKey = () => {
      sessionStorage.setItem(KEY_STORE, document.getElementById('key').value.trim());
      document.getElementById('key-box').hidden = true;
    };
    document.getElementById('key-save').addEventListener('click', saveKey);
    // Enter in the key field keeps the key; it would otherwise submit the question form around it
    document.getElementById('key').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        saveKey();
      }
    });
    refreshPanel();
  }

  start();
})();
