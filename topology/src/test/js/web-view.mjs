// Drives the web view in Debian's chromium through playwright-core, as a person would: types questions, presses
// Align, waits for each answer's final, and reports what the page shows as one JSON line per check.
//
//   node web-view.mjs BASE_URL aligned SCREENSHOT.png ASKS   asks each of ASKS (a JSON list of {question, seed?}) until
//                                                            one answer shows a corrected sentence, then saves a
//                                                            screenshot of the page
//   node web-view.mjs BASE_URL hostile QUESTION              asks one question whose model text is hostile
//
// Waits have generous limits: they are a safety net for a hung page, not a measure of speed.
import { chromium } from 'playwright-core';

const [baseUrl, mode, ...rest] = process.argv.slice(2);
const SAFETY_NET_MS = 5 * 60 * 1000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run'],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  page.setDefaultTimeout(SAFETY_NET_MS);
  page.on('pageerror', (error) => failures.push('page error: ' + error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push('console error: ' + message.text());
  });
  await page.goto(baseUrl + '/');

  /** Asks a question; returns what its card shows once it has ended. */
  async function ask(question, seed) {
    const before = await page.locator('.card').count();
    if (seed !== undefined) {
      await page.evaluate(() => { document.querySelector('details.options').open = true; });
      await page.fill('#seed', String(seed));
    }
    await page.fill('#question', question);
    await page.click('#align');
    await page.waitForFunction((count) => {
      const cards = document.querySelectorAll('.card');
      return cards.length > count && ['done', 'failed', 'broken'].includes(cards[0].dataset.state);
    }, before, { timeout: SAFETY_NET_MS });
    return page.evaluate(() => {
      const card = document.querySelector('.card');
      const rounds = [...card.querySelectorAll('.round')].map((round) => {
        const del = round.querySelector('del');
        const ins = round.querySelector('ins');
        return {
          round: round.dataset.round,
          classes: round.className,
          text: round.querySelector('.text').textContent,
          struck: del ? del.textContent : null,
          struckStyle: del ? getComputedStyle(del).textDecorationLine : null,
          correction: ins ? ins.textContent : null,
          timing: round.querySelector('.timing').textContent,
        };
      });
      return {
        state: card.dataset.state,
        status: card.querySelector('.status').textContent,
        question: card.querySelector('.question').textContent,
        answer: card.querySelector('.answer').hidden ? null
          : card.querySelector('.answer').lastChild.textContent,
        meta: card.querySelector('.meta').textContent,
        rounds,
        elementsInCard: [...card.querySelectorAll('*')].map((element) => element.tagName.toLowerCase()),
        pwned: window.pwned === undefined ? null : String(window.pwned),
        title: document.title,
      };
    });
  }

  if (mode === 'aligned') {
    const [screenshot, asks] = rest;
    let corrected = null;
    for (const { question, seed } of JSON.parse(asks)) {
      const card = await ask(question, seed);
      console.log(JSON.stringify({ check: 'asked', card }));
      if (card.rounds.some((round) => round.struck !== null)) {
        corrected = card;
        break;
      }
    }
    // the panel has looked at the loop since the last answer came: nothing is in flight any more
    await page.waitForFunction(() => document.getElementById('in-flight').textContent === '0');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify({ check: 'aligned', corrected, screenshot,
      panel: await page.locator('.panel').innerText() }));
  } else if (mode === 'hostile') {
    const card = await ask(rest[0]);
    console.log(JSON.stringify({ check: 'hostile', card }));
  } else {
    failures.push('unknown mode ' + mode);
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ check: 'failures', failures }));
process.exit(failures.length === 0 ? 0 : 1);
