// Render the math that pymdownx.arithmatex (generic mode) wrapped as \( ... \) and \[ ... \], with KaTeX
// served by this site. Material's document$ fires on the first load and after every instant navigation.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
});
