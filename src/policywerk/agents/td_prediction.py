r"""Learning to predict from experience (Sutton 1988).

TD(0), TD(lambda) and constant-alpha Monte Carlo all estimate the value V(s) of every state of an
episodic task with no discount, from episodes given as (state, reward, next state) steps. ``values``
is a list indexed by state whose entries for terminal states stay 0, so a target may always read
``values[next_state]``.

    Monte Carlo   V(s) <- V(s) + alpha [G - V(s)]               G: the return that actually followed
    TD(0)         V(s) <- V(s) + alpha [r + V(s') - V(s)]       the target is itself an estimate
    TD(lambda)    V(x) <- V(x) + alpha [r + V(s') - V(s)] e(x)  for every state x, with the trace
                  e(x) <- lambda e(x) + [x = s]                 of how recently x was visited

Batch methods present a fixed set of episodes again and again, summing the increments over the set
and applying them together, until nothing changes. Where that repetition ends can be computed
directly: for Monte Carlo it is the average return seen from each state, for TD(0) the values of the
Markov model estimated from the same episodes (the *certainty-equivalence* estimate), and for
TD(lambda) the solution of a small linear system (``td_lambda_fixed_point``).
"""

from policywerk.math.linear import solve
from policywerk.worlds.random_walk import Step  # (state, reward, next state), with those names


def td0(values: list[float], episode: list[Step], alpha: float) -> list[float]:
    """One episode of TD(0), updating ``values`` after every step; returns each step's TD error."""
    errors = []
    for s, r, s_next in episode:
        # The TD error: how much better or worse than predicted.
        delta = r + values[s_next] - values[s]
        values[s] += alpha * delta
        errors.append(delta)
    return errors


def returns(episode: list[Step]) -> list[float]:
    """The return G_t = r_{t+1} + r_{t+2} + ... following each step (no discount)."""
    out, g = [], 0.0
    for _, r, _ in reversed(episode):
        g += r
        out.append(g)
    return out[::-1]


def constant_alpha_mc(values: list[float], episode: list[Step], alpha: float) -> None:
    """Every-visit Monte Carlo after the episode: move each visited state toward its return."""
    for (s, _, _), g in zip(episode, returns(episode)):
        values[s] += alpha * (g - values[s])


def td_lambda(values: list[float], episode: list[Step], alpha: float, lam: float,
              watch=None) -> None:
    """Online TD(lambda) with accumulating traces. ``watch(t, delta, traces)`` sees every step."""
    traces = [0.0] * len(values)
    for t, (s, r, s_next) in enumerate(episode):
        delta = r + values[s_next] - values[s]
        traces[s] += 1.0
        for x, e in enumerate(traces):
            if e:
                values[x] += alpha * delta * e
        if watch is not None:
            watch(t, delta, traces[:])
        traces = [lam * e for e in traces]


def td_lambda_increments(values: list[float], episode: list[Step], lam: float) -> list[float]:
    r"""Sutton's (1988) sum over one sequence of
    $(P_{t+1} - P_t) \sum_{k \le t} \lambda^{t-k} \nabla P_k$, with the predictions held fixed while
    it is summed; the caller applies ``alpha`` times it."""
    total = [0.0] * len(values)
    traces = [0.0] * len(values)
    for s, r, s_next in episode:
        delta = r + values[s_next] - values[s]
        traces[s] += 1.0
        for x, e in enumerate(traces):
            total[x] += delta * e
        traces = [lam * e for e in traces]
    return total


def td_lambda_fixed_point(episodes: list[list[Step]], lam: float,
                          values: list[float]) -> list[float]:
    """Where presenting ``episodes`` repeatedly with summed TD(lambda) increments (and a small
    alpha) ends: the values at which the summed increment is zero. Unvisited states keep theirs.

    The summed increment is linear in the values, sum_t e_t (r_t + V(s_{t+1}) - V(s_t)) = b - A V,
    so its zero is the solution of A V = b over the visited states."""
    visited = sorted({s for episode in episodes for s, _, _ in episode})
    index = {s: i for i, s in enumerate(visited)}
    a = [[0.0] * len(visited) for _ in visited]
    b = [0.0] * len(visited)
    for episode in episodes:
        traces = [0.0] * len(visited)
        for s, r, s_next in episode:
            traces[index[s]] += 1.0
            for i, e in enumerate(traces):
                if e:
                    b[i] += e * r
                    a[i][index[s]] += e  # e_t V(s_t) ...
                    if s_next in index:
                        a[i][index[s_next]] -= e  # ... minus e_t V(s_{t+1}) ...
                    else:
                        b[i] += e * values[s_next]  # ... which is constant if s_{t+1} is never left
            traces = [lam * e for e in traces]
    solution = solve(a, b)
    fixed = values[:]
    for s, v in zip(visited, solution):
        fixed[s] = v
    return fixed


def batch_mc(episodes: list[list[Step]], values: list[float]) -> list[float]:
    """Batch Monte Carlo's limit: the average of the returns that followed each visit to a state."""
    totals, counts = [0.0] * len(values), [0] * len(values)
    for episode in episodes:
        for (s, _, _), g in zip(episode, returns(episode)):
            totals[s] += g
            counts[s] += 1
    return [t / c if c else v for t, c, v in zip(totals, counts, values)]


def batch_td0(episodes: list[list[Step]], values: list[float]) -> list[float]:
    """Batch TD(0)'s limit: the certainty-equivalence estimate, the exact values of the Markov model
    whose transition probabilities and rewards are the frequencies seen in ``episodes``."""
    return td_lambda_fixed_point(episodes, 0.0, values)


def batch_iterate(episodes: list[list[Step]], values: list[float], alpha: float, lam: float = 0.0,
                  tol: float = 1e-10, max_sweeps: int = 1_000_000) -> tuple[list[float], int]:
    """Batch TD(lambda) done the slow way: present all episodes, sum the increments, apply them,
    repeat until no value moves by more than ``tol``. Returns (values, presentations)."""
    values = values[:]
    for sweep in range(1, max_sweeps + 1):
        total = [0.0] * len(values)
        for episode in episodes:
            for x, inc in enumerate(td_lambda_increments(values, episode, lam)):
                total[x] += inc
        values = [v + alpha * inc for v, inc in zip(values, total)]
        if max(abs(alpha * inc) for inc in total) < tol:
            return values, sweep
    raise RuntimeError(f"batch updating did not converge in {max_sweeps} presentations; "
                       "try a smaller alpha")


def lambda_returns(values: list[float], episode: list[Step], lam: float) -> list[float]:
    r"""The forward view: the lambda-return of each step, a blend of all its n-step returns,
    $G^\lambda_t = (1 - \lambda) \sum_{n \ge 1} \lambda^{n-1} G^{(n)}_t$ (the final return takes the
    remaining weight), computed backwards as
    $G^\lambda_t = r_{t+1} + (1-\lambda) V(s_{t+1}) + \lambda G^\lambda_{t+1}$."""
    out, g = [], 0.0
    for _, r, s_next in reversed(episode):
        g = r + (1 - lam) * values[s_next] + lam * g
        out.append(g)
    return out[::-1]
