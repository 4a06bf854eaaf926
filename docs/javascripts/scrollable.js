// What scrolls sideways can be reached from the keyboard, and says what it is. On a phone, display math
// and wide tables scroll inside the column; a reader without a mouse cannot scroll what cannot take the
// focus. While one of them scrolls, it is a region in the tab order, named by its kind and its number on
// the page ("Formula 3"), so that no two regions share a name; when the column is wide enough again, it
// is plain content.

const KINDS = [
  ["div.arithmatex", "Formula"],
  [".md-typeset__scrollwrap", "Table"],
];
const names = new WeakMap(); // element -> what it is, for its accessible name: "Table 2"

function mark(element) {
  const scrolls = element.scrollWidth > element.clientWidth + 1;
  if (scrolls === element.hasAttribute("data-pw-scrollable")) return;
  if (scrolls) {
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", `${names.get(element)}, scroll sideways to see all of it`);
    element.setAttribute("data-pw-scrollable", "");
  } else {
    for (const name of ["tabindex", "role", "aria-label", "data-pw-scrollable"]) element.removeAttribute(name);
  }
}

const resized = new ResizeObserver((entries) => entries.forEach((entry) => mark(entry.target)));

document$.subscribe(({ body }) => { // after katex.js, which renders the math on the same signal
  resized.disconnect(); // the page before an instant navigation
  const found = [];
  for (const [selector, name] of KINDS) {
    body.querySelectorAll(`.md-content ${selector}`).forEach((element, k) => {
      names.set(element, `${name} ${k + 1}`);
      found.push(element);
    });
  }
  found.forEach((element) => resized.observe(element)); // which also marks each one now
  document.fonts.ready.then(() => found.forEach(mark)); // KaTeX's fonts change the formulas' widths
});
