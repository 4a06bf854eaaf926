"""The literate pipeline: a lesson module in percent format becomes an executed record, then a page.

    cells.py    split a ``# %%`` source into Markdown and code cells
    deps.py     which package files a lesson depends on, and the content key of a run
    runner.py   execute the code cells in order, capture what each printed and showed, cache the result
                (one build of a lesson at a time, swapped in whole, checked by hash when read back)
    parallel.py build stale lessons in worker processes, a fresh one per lesson, several at once
    board.py    what a build shows: plain lines of finished steps, and live status lines on a terminal
    page.py     render cells and record into one Markdown page (for the site, or plain), or a lesson's
                page while its run is being built or after it failed
    notebook.py the same cells as a Jupyter notebook, for the download
    publish.py  the manifest of artifact hashes, the posters and the plain pages of a checkout
    serve.py    serve the site at once, build the stale lessons behind it, and fill their pages in
    cli.py      the ``policywerk`` command: list, run, build, serve (also ``python -m policywerk.literate``)
"""
