// The reader's progress through the exercises: which ones they solved, kept in this browser only
// (localStorage; nothing is sent anywhere). tryit.js marks an exercise solved when its check says
// "right"; every <div class="pw-progress" data-keys="…"> on a page (the end of a lesson, the home page)
// shows how many of its exercises are solved, with a button that forgets those. Each solved exercise's
// heading says so.

const STORE = "policywerk.solved";
let memory = new Set(); // where the progress lives when the browser keeps no storage

function solved() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE) || "[]");
    return new Set(Array.isArray(stored) ? stored.filter((k) => typeof k === "string") : []);
  } catch {
    return new Set(memory); // storage off, or a value that is not ours: what this page knows
  }
}

function save(keys) {
  memory = new Set(keys);
  try {
    localStorage.setItem(STORE, JSON.stringify([...keys].sort()));
  } catch {
    // private browsing without storage: the progress lasts as long as the page
  }
}

export function markSolved(key) {
  const keys = solved();
  keys.add(key);
  save(keys);
  render();
}

function anchorOf(key) {
  return `exercise-${key.replace(/[._]/g, "-")}`;
}

function render() {
  const keys = solved();
  for (const box of document.querySelectorAll(".pw-progress")) {
    const mine = (box.dataset.keys || "").split(" ").filter(Boolean);
    const done = mine.filter((k) => keys.has(k)).length;
    const where = box.dataset.scope === "lesson" ? "on this page" : "in all";
    let line = box.querySelector("p");
    if (!line) { // built once, so that the button keeps the focus across renders
      line = document.createElement("p");
      const count = document.createElement("span");
      count.setAttribute("role", "status");
      const forget = document.createElement("button");
      forget.type = "button";
      forget.className = "md-button pw-progress-reset";
      forget.textContent = box.dataset.scope === "lesson" ? "Forget this page's exercises" : "Forget my progress";
      forget.addEventListener("click", () => {
        const left = solved();
        for (const k of mine) left.delete(k);
        save(left);
        render();
      });
      line.append(count, forget);
      box.replaceChildren(line);
    }
    line.querySelector("span").textContent =
      `Exercises solved ${where}: ${done} of ${mine.length} (kept in this browser only). `;
  }
  for (const heading of document.querySelectorAll("h3[id^='exercise-']")) {
    const key = [...keys].find((k) => anchorOf(k) === heading.id);
    let mark = heading.querySelector(".pw-solved-mark");
    if (key && !mark) {
      mark = document.createElement("span");
      mark.className = "pw-solved-mark";
      mark.textContent = " ✓ solved";
      heading.insertBefore(mark, heading.querySelector(".headerlink"));
    } else if (!key && mark) mark.remove();
  }
}

document$.subscribe(render);
