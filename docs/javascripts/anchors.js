// A link to a place on the same page (the skip link, the table of contents, a heading's ¶) stays a jump
// within the page. Material's instant navigation (9.8.2) takes the first such jump after a page has
// loaded for a move to a new page: it fetches the page again and swaps it in, and the reader loses what
// the page held (the animation player, a cell being edited, where the keyboard focus was). The same bug
// was reported and fixed in Material's successor, zensical/ui issue 154.
//
// Two things keep such a jump from Material. Material leaves to the browser every link that names a
// target, so links within the page name their own frame, "_self", which changes nothing else. And the
// browser's jump fires "popstate", which Material also takes for a move: on the page loaded first, until
// Material has moved to another page, a step that changes only the part after the # is kept from it (once
// it has moved, it tells such steps apart itself). This file is a classic script in the page's <head>
// (overrides/main.html) so that its listener comes before Material's.
{
  const first = location.pathname + location.search;
  let moved = false;

  addEventListener("popstate", (event) => {
    if (!moved && location.pathname + location.search === first) event.stopImmediatePropagation();
  }, { capture: true });

  // Material has made every link's address whole by now (#top reads /lessons/…/#top), so links are
  // compared by where they lead.
  addEventListener("DOMContentLoaded", () => {
    location$.subscribe(() => { moved = true; });
    document$.subscribe(({ body }) => {
      const here = location.origin + location.pathname + location.search;
      for (const link of body.querySelectorAll("a[href*='#']:not([target])")) {
        const url = new URL(link.href);
        if (url.hash && url.origin + url.pathname + url.search === here) link.target = "_self";
      }
    });
  });
}
