"""Small dense linear algebra: solving A x = b by Gaussian elimination with partial pivoting."""


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """The x with ``a x = b`` for a square, non-singular ``a`` (neither argument is modified)."""
    n = len(a)
    if n == 0 or any(len(row) != n for row in a) or len(b) != n:
        raise ValueError("need a non-empty square matrix and a matching vector, "
                         f"got {n} rows and {len(b)} entries")
    m = [row[:] + [rhs] for row, rhs in zip(a, b)]  # the augmented matrix [a | b]
    scale = max(abs(x) for row in a for x in row)
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        # The tolerance is relative to the entries, so the units do not matter.
        if abs(m[pivot][col]) <= 1e-10 * scale:
            raise ValueError("the matrix is singular (or too close to it to solve reliably)")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            if factor:
                m[r] = [x - factor * y for x, y in zip(m[r], m[col])]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):  # back substitution
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x
