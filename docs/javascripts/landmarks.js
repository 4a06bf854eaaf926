// Names and roles the Material theme leaves out, which a screen reader announces (axe-core checks them):
// the search dialog is named after its field, and each code block's <nav>, which holds only its copy
// button, is no navigation landmark, so that a lesson's list of landmarks is the page's own, not thirty
// nameless ones.
document$.subscribe(({ body }) => {
  const search = body.querySelector(".md-search[role='dialog']");
  search?.setAttribute("aria-label", search.querySelector("input")?.getAttribute("aria-label") || "Search");
  for (const nav of body.querySelectorAll(".md-code__nav")) nav.setAttribute("role", "none");
});
