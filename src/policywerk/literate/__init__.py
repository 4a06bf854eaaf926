"""The literate pipeline: a lesson module in percent format becomes an executed record, then a page.

    cells.py    split a ``# %%`` source into Markdown and code cells
    deps.py     which package files a lesson depends on, and the content key of a run
    runner.py   execute the code cells in order, capture what each printed and showed, cache the result
    page.py     render cells and record into one Markdown page
    __main__.py ``python -m policywerk.literate build|list|run``
"""
