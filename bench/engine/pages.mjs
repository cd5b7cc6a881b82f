// The pages both recorders capture. Generated from a fixed seed, so every run and every machine
// measures the same bytes.

/** A small deterministic PRNG (mulberry32), so the pages never change between runs. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "policy cover claim premium excess renewal household contents travel insurance harbour quote " +
  "annual monthly payment schedule document beneficiary vehicle property liability accident " +
  "medical luggage cancellation weather storm flood theft windscreen breakdown assistance"
).split(" ");

function sentence(rnd, min, max) {
  const n = min + Math.floor(rnd() * (max - min));
  const words = [];
  for (let i = 0; i < n; i += 1) words.push(WORDS[Math.floor(rnd() * WORDS.length)]);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2733; }
  header { background: #0b3c5d; color: white; padding: 12px 24px; }
  nav a { color: white; margin-right: 16px; }
  main { display: grid; grid-template-columns: 1fr 320px; gap: 24px; padding: 24px; }
  .card { border: 1px solid #d5dde5; border-radius: 8px; padding: 12px 16px; margin-bottom: 12px; }
  .card h3 { margin: 0 0 6px; font-size: 16px; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border-bottom: 1px solid #e3e8ee; padding: 4px 8px; text-align: left; }
  label { display: block; margin: 8px 0 2px; }
  input, select, textarea { font: inherit; padding: 4px 6px; width: 100%; box-sizing: border-box; }
  .secret { letter-spacing: 2px; }
`;

function shell(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><header><strong>Harbour Insurance</strong> <nav><a href="/">Home</a><a href="/claims">Claims</a>
<a href="/travel">Travel</a><a href="/help">Help</a></nav></header>${body}</body></html>`;
}

function form() {
  return `<form class="card" id="apply" action="/apply" method="post">
  <h3>Apply for cover</h3>
  <label for="name">Full name</label><input id="name" name="name" value="Jo Example">
  <label for="email">Email</label><input id="email" name="email" type="email" value="jo@example.test">
  <label for="cover">Cover</label><select id="cover" name="cover"><option>Basic</option><option selected>Plus</option><option>Premium</option></select>
  <label for="card">Card number</label><input id="card" name="cc-number" class="secret" value="4111 1111 1111 1111">
  <label for="pw">Password</label><input id="pw" name="password" type="password" value="hunter2-canary">
  <label for="notes">Notes</label><textarea id="notes" name="notes">Please call after 5 pm.</textarea>
  <button type="submit">Send application</button>
</form>`;
}

/** A typical content page with a form: about 1,500 nodes, 60 KB. */
export function typicalPage() {
  const rnd = random(7);
  const cards = [];
  for (let i = 0; i < 40; i += 1) {
    cards.push(`<article class="card" data-id="c${i}"><h3>${sentence(rnd, 2, 5)}</h3>
<p>${sentence(rnd, 12, 30)} ${sentence(rnd, 8, 20)}</p>
<ul>${[0, 1, 2].map(() => `<li><a href="/doc/${Math.floor(rnd() * 1e6)}">${sentence(rnd, 2, 6)}</a></li>`).join("")}</ul>
<img src="/img/${i}.png" alt="${sentence(rnd, 2, 4)}" width="64" height="64"></article>`);
  }
  return shell("Harbour Insurance: apply", `<main><section>${cards.join("\n")}</section><aside>${form()}</aside></main>`);
}

/**
 * A heavy page: a long claims history table and article text, about 60,000 nodes and 2 MB of HTML,
 * the size the reference product documents 15 seconds or more for.
 */
export function largePage({ targetNodes = 60_000 } = {}) {
  const rnd = random(11);
  const rows = [];
  // Each row: tr + 6 td + 6 text + a + a-text + span + span-text ≈ 17 nodes.
  const rowCount = Math.round((targetNodes - 400) / 17);
  for (let i = 0; i < rowCount; i += 1) {
    const amount = (rnd() * 5000).toFixed(2);
    rows.push(
      `<tr class="${i % 2 ? "odd" : "even"}" data-row="${i}"><td>${100000 + i}</td><td>2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}</td>` +
        `<td>${sentence(rnd, 3, 9)}</td><td style="text-align:right">${amount}</td><td><a href="/claims/${100000 + i}">details</a></td>` +
        `<td><span title="${sentence(rnd, 2, 5)}">${i % 3 ? "settled" : "open"}</span></td></tr>`,
    );
  }
  const table = `<table><thead><tr><th>No.</th><th>Date</th><th>Description</th><th>Amount</th><th></th><th>State</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
  return shell("Harbour Insurance: claims history", `<main><section><h2>Claims history</h2>${table}</section><aside>${form()}</aside></main>`);
}

/**
 * A burst of changes run in the page, one batch per animation frame: rows appended and removed,
 * text and attributes changed, a field typed into. Returns when every frame ran.
 */
export const MUTATION_BURST = `async (frames) => {
  const section = document.querySelector("main section");
  const texts = [...document.querySelectorAll("article.card p")];
  const cards = [...document.querySelectorAll("article.card")];
  const name = document.getElementById("name");
  for (let f = 0; f < frames; f += 1) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    for (let i = 0; i < 20; i += 1) {
      const card = document.createElement("article");
      card.className = "card added";
      card.innerHTML = "<h3>New item " + f + "." + i + "</h3><p>Updated just now, frame " + f + ".</p>";
      section.appendChild(card);
    }
    for (let i = 0; i < 50; i += 1) texts[(f * 50 + i) % texts.length].firstChild.data = "Changed " + f + " " + i;
    for (let i = 0; i < 30; i += 1) cards[(f * 30 + i) % cards.length].setAttribute("data-state", "s" + f + "-" + i);
    for (const added of [...section.querySelectorAll("article.added")].slice(0, 10)) added.remove();
    name.value = "Jo Example " + f;
    name.dispatchEvent(new Event("input", { bubbles: true }));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}`;
