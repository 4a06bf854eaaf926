"""axe-core (Deque's accessibility engine, as the axe-playwright-python package ships it; the site never
loads it) run on a page in the browser tests: its findings in one colour scheme, or in both, switched with
the header's toggle as a reader would."""

import pytest

SERIOUS = ("critical", "serious")  # axe-core's impacts that fail the tests; moderate and minor are reported

# What the colour scheme changes: the colours alone, the page's elements and names are the same in both.
# In the second scheme axe-core runs the rules that read colours; in the first, all of its rules.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

# One axe-core pass over the page, or over the element `within` selects. Code blocks and typeset math are
# most of a lesson's elements (lesson 07: 4,500 spans of code, 3,200 of KaTeX) in a few dozen styles, and
# the contrast rule costs per element: it takes three quarters of the time on a lesson. So while axe-core runs,
# it sees one shown span of each style (its classes, colour, size and weight, and what it sits on), marked
# data-pw-sample, and the rest hidden; everything else on the page it sees whole. Hiding them takes nothing
# from the other rules: none concerns a span of highlighted code, and KaTeX's drawing is aria-hidden.
RUN = """async ([within, rules]) => {
  const root = within ? document.querySelector(within) : document.documentElement;
  const spans = [".highlight code span", ".katex-html span"];
  const hiding = document.createElement("style");
  if (!rules || rules.includes("color-contrast")) {
    // A span axe-core can judge: one it sees (not in a closed <details>), not scrolled out of its block's
    // view, and of two characters or more (it leaves a lone character undecided).
    const judged = (span) => {
      const box = span.getBoundingClientRect(), clip = span.closest("code, .arithmatex")?.getBoundingClientRect();
      return span.textContent.trim().length > 1 && (!clip || box.left >= clip.left && box.right <= clip.right);
    };
    const sample = new Map();
    for (const span of root.querySelectorAll(spans.join(", "))) {
      if (!span.checkVisibility()) continue;
      const style = getComputedStyle(span);
      const ground = span.closest(".hll, pre, .admonition, details, table, .md-content") || document.body;
      const key = [span.className, style.color, style.fontSize, style.fontWeight,
                   getComputedStyle(ground).backgroundColor, ground.className].join("|");
      if (!sample.has(key) || !sample.get(key).good && judged(span)) sample.set(key, {span, good: judged(span)});
    }
    for (const {span} of sample.values()) span.dataset.pwSample = "";
    hiding.textContent = `${spans.map((s) => `${s}:not([data-pw-sample])`).join(", ")} { visibility: hidden !important }
                          [data-pw-sample] { visibility: visible !important }`;
    document.head.append(hiding);
  }
  try {
    const result = await axe.run(root, {resultTypes: ["violations"], ...(rules && {runOnly: rules})});
    return {passes: result.passes.map((rule) => rule.id), violations: result.violations};
  } finally {
    hiding.remove();
    document.querySelectorAll("[data-pw-sample]").forEach((span) => delete span.dataset.pwSample);
  }
}"""


def axe_script() -> str:
    """axe-core's source, to evaluate in a page before ``findings``."""
    try:
        from importlib.resources import files

        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pytest.fail("axe-playwright-python is required for the accessibility tests: pip install -e '.[test]'")


def described(node: dict) -> str:
    """An element axe-core found, by its selector and what it found there (for contrast, the two colours
    and the ratio)."""
    why = [check["message"] for check in node["any"] + node["all"] + node["none"] if check.get("message")]
    where = " ".join(map(str, node["target"])).replace('[data-pw-sample=""]', "")  # RUN's mark, not the page's
    return where + (f" ({why[0]})" if why else "")


def findings(page, within: str = "", rules: list[str] | None = None) -> dict:
    """axe-core's findings in the page's present colour scheme, with the rules ``rules`` (None: all): the
    scheme, the rules that passed, and the violations with their elements."""
    result = page.evaluate(RUN, [within, rules])
    return {"scheme": page.evaluate("document.body.dataset.mdColorScheme"), "rules": rules or "all",
            "passed": len(result["passes"]), "violations": [
                {"rule": v["id"], "impact": v["impact"], "nodes": [described(n) for n in v["nodes"]]}
                for v in result["violations"]]}


def accessibility(page, script: str, within: str = "", then: list[str] | None = COLOUR_RULES) -> list[dict]:
    """axe-core's findings on the page as it stands (or on the element ``within`` selects) with all its
    rules, then in the other colour scheme with the rules ``then`` (None: all)."""
    page.evaluate(script)
    found = [findings(page, within)]
    page.locator("form[data-md-component=palette] label:not([hidden])").click()
    page.wait_for_function(f"document.body.dataset.mdColorScheme !== {found[0]['scheme']!r}")
    return [*found, findings(page, within, then)]
