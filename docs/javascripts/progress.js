// The reader's progress through the exercises: which ones they solved, kept in this browser only
// (localStorage; nothing is sent anywhere). tryit.js marks an exercise solved when its check says
// "Right"; every <div class="pw-progress" data-keys="…"> on a page (the end of a lesson, the home page)
// shows how many of its exercises are solved, with a button that forgets them all. Each solved
// exercise's heading gets a mark.

const STORE = "policywerk.solved";

function solved() {
  try {
    return new Set(JSON.parse(localStorage.getItem(STORE) || "[]"));
  } catch {
    return new Set(); // storage off, or a value another page broke: start afresh
  }
}

function save(keys) {
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
    const line = document.createElement("p");
    line.textContent = `Exercises solved ${where}: ${done} of ${mine.length} (kept in this browser only). `;
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button pw-progress-reset";
    reset.textContent = "Forget my progress";
    reset.disabled = keys.size === 0;
    reset.addEventListener("click", () => {
      save(new Set());
      render();
      document.querySelector(".pw-progress-reset")?.focus();
    });
    line.append(reset);
    box.replaceChildren(line);
  }
  for (const heading of document.querySelectorAll("h3[id^='exercise-']")) {
    const key = [...keys].find((k) => anchorOf(k) === heading.id);
    heading.classList.toggle("pw-solved", Boolean(key));
    heading.title = key ? "Solved" : "";
  }
}

document$.subscribe(render);
