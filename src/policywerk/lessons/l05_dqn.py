# %% [markdown]
# # Lesson 05 · Mnih et al. 2013/2015: deep Q-networks
#
# Volodymyr Mnih and colleagues at DeepMind trained one method, with one network architecture and one
# set of settings, separately on each of 7 (2013) and then 49 (2015) Atari games, from the screen alone:
# *Playing Atari with Deep Reinforcement Learning* (arXiv:1312.5602, 2013) and *Human-level control
# through deep reinforcement learning* (Nature 518, 529-533, 2015). The learning rule is lesson 04's
# Q-learning. What changed is that the table became a neural network, and that two ideas kept its
# training stable: **experience replay** (2013) and a **target network** (added in 2015).
#
# Here the Atari screen is a miniature Breakout of 8 x 10 pixels and the network a small one, built, like
# everything in this series, from Python's own arithmetic. This page is generated from
# `src/policywerk/lessons/l05_dqn.py`; the code ran when the site was built.

# %%
import statistics
from dataclasses import replace

from policywerk.agents.dqn import Config, evaluate, play, train
from policywerk.math.random import Rng
from policywerk.session import budget, seeds
from policywerk.show import config_rows, show_hyperparameters, show_table
from policywerk.viz.breakout import learning_figure, play_animation
from policywerk.worlds.breakout import Breakout, Layout

CONFIG = Config(epsilon_steps=budget(full=5_000, quick=3_000), learning_starts=budget(full=500, quick=300))
STEPS = budget(full=20_000, quick=10_000)
SEEDS = seeds(budget(full=[0, 1, 2], quick=[0]))
EVAL_EPISODES = budget(full=100, quick=20)
layout = Layout()
show_hyperparameters([
    *config_rows(CONFIG),
    ("STEPS", STEPS, "environment steps of training per run"),
    ("SEEDS", SEEDS, "independent runs, each for DQN and for the ablation"),
    ("EVAL_EPISODES", EVAL_EPISODES, "games to score a trained network, greedy and at epsilon 0.05"),
])

# %% [markdown]
# ## The world: a game seen as pixels
#
# The screen is 8 pixels wide and 10 high, every pixel 0 or 1. Two rows of bricks near the top, a paddle
# three pixels wide on the bottom row, a one-pixel ball moving diagonally. Breaking a brick scores 1;
# letting the ball past the paddle ends the game; a game is cut off after 400 steps. The agent can keep
# the paddle still or move it left or right. Like DQN, which stacked the last four screens, the agent
# sees the last **two** screens side by side, because a single frame cannot show which way the ball is
# moving: 160 numbers in all.

# %%
env = Breakout(layout)
env.reset(seed=3)
for _ in range(2):
    obs, *_ = env.step(0)  # two steps in, so that the two screens differ where the ball moved


def line(frame, row):
    """One row of one of the two stacked screens, # for a lit pixel."""
    start = frame * layout.width * layout.height + row * layout.width
    return "".join("#" if obs[start + c] else "." for c in range(layout.width))


print("previous  current")
for row in range(layout.height):
    print(line(0, row), "  ", line(1, row))

def baseline(choose, games=EVAL_EPISODES * 5, seed=11):
    """Mean score of a fixed way of pressing keys, over the same games for every baseline."""
    rng, scores = Rng(seed), []
    for _ in range(games):
        env.reset(seed=rng.randrange(2**31))
        done = False
        while not done:
            _, _, terminated, truncated, info = env.step(choose(rng))
            done = terminated or truncated
        scores.append(info["score"])
    return statistics.mean(scores)


RANDOM = baseline(lambda rng: rng.randrange(3))
CONSTANT = {name: baseline(lambda rng, a=a: a) for a, name in enumerate(("stay", "left", "right"))}
print(f"\nrandom policy over {EVAL_EPISODES * 5} games: mean score {RANDOM:.2f}")
print("always the same key:", ", ".join(f"{name} {score:.2f}" for name, score in CONSTANT.items()))
BEST_CONSTANT = max(CONSTANT.values())

# %% [markdown]
# ## Why a table cannot do this
#
# Lesson 04 kept one number per state and action. Here a state is a pair of screens: with the ball, the
# paddle and whichever bricks remain, there are far more of them than an agent could visit, and a table
# learns nothing about a state it has not visited. But screens that differ in one brick usually call for
# the same move. A function that computes $Q(s, a)$ from the pixels can share what it learns between such
# screens. DQN's function is a neural network with one output per action: one pass gives all three
# Q-values at once.
#
# The network here has 160 inputs, one hidden layer of 32 rectified linear units, and 3 outputs. It is
# trained by gradient descent on the Q-learning error: for a transition $(s, a, r, s')$ the target is
#
# $$ y = r + \gamma \max_{a'} Q_{\text{target}}(s', a') \quad (y = r \text{ if the game ended}), $$
#
# and the loss is the Huber loss of $Q(s, a) - y$: squared for small errors, absolute beyond 1, so that
# its gradient is the error clipped to $[-1, 1]$, as the 2015 paper clips it. (A game cut off at 400
# steps has not ended: there the target still bootstraps.) Backpropagation carries the gradient from the
# output of the action taken back through the network, and Adam takes the step.
#
# ## Two ideas that make it stable
#
# Naive online learning, one update from each new step, runs into two problems the table never had.
# Consecutive steps are nearly the same screen, so the network is pushed the same way many times in a row
# and forgets what it learned elsewhere. And the target moves with every update: changing $Q(s, a)$
# changes $Q(s', \cdot)$ too, because the same weights compute both, so the network chases its own tail.
#
# - **Experience replay** keeps the last 10,000 transitions and learns from random minibatches of 32
#   of them: each update mixes old and new experience from many games, instead of a run of nearly
#   identical screens.
# - **The target network** is a copy of the network used only to compute $y$, refreshed every 200
#   updates: for a while, the target holds still.
#
# The ablation below runs the same training on the same seeds with both switched off: every fourth step
# it learns from the latest 32 transitions as one minibatch, with targets from the network being trained.
# It switches off both ideas at once, so it shows what they do together, not each alone.

# %%
results = {}
NAIVE = replace(CONFIG, replay=False, target=False)
for label, config in (("DQN", CONFIG), ("no replay, no target network", NAIVE)):
    for seed in SEEDS:
        run = train(Breakout(layout), STEPS, config, seed, snapshots=(STEPS // 10,) if label == "DQN" else ())
        greedy_scores = evaluate(run.net, Breakout(layout), EVAL_EPISODES, seed=1000 + seed, epsilon=0.0)
        paper_scores = evaluate(run.net, Breakout(layout), EVAL_EPISODES, seed=1000 + seed)  # the papers' 0.05
        results[label, seed] = (run, greedy_scores, paper_scores)
total_updates = sum(run.updates for run, *_ in results.values())
print(f"{len(results)} runs: {2 * len(SEEDS) * STEPS:,} environment steps and {total_updates:,} updates "
      f"of a minibatch of {CONFIG.batch}")

evaluation = [[label, policy, *(f"{statistics.mean(results[label, s][k]):.2f}" for s in SEEDS)]
              for label in ("DQN", "no replay, no target network") for k, policy in ((1, "greedy"), (2, "ε = 0.05"))]
show_table(["run", "playing", *(f"seed {s}" for s in SEEDS)], evaluation,
           caption=(f"Mean score of each trained network over {EVAL_EPISODES} games, per seed. For comparison: "
                    f"random keys {RANDOM:.2f}, the best single key held down {BEST_CONSTANT:.2f}."))

# %%
learning_figure({label: [(results[label, s][0].ends, results[label, s][0].scores) for s in SEEDS]
                 for label in ("DQN", "no replay, no target network")}, RANDOM, window=20, name="l05-learning",
                alt=(f"Score per training episode against environment steps for {len(SEEDS)} seeds: DQN's curves "
                     f"climb well above the random policy's {RANDOM:.1f}; without replay and target network they "
                     f"climb less."))

blocks = range(0, STEPS, STEPS // 5)
rows = []
for label in ("DQN", "no replay, no target network"):
    for seed in SEEDS:
        run = results[label, seed][0]
        means = []
        for b in blocks:
            inside = [s for s, end in zip(run.scores, run.ends) if b < end <= b + STEPS // 5]
            means.append(f"{statistics.mean(inside):.2f}" if inside else "—")
        rows.append([label, seed, *means])
show_table(["run", "seed", *(f"steps {b + 1:,}-{b + STEPS // 5:,}" for b in blocks)], rows,
           caption="Mean score of the training episodes (with exploration), in blocks of steps.")

dqn_eval = {s: statistics.mean(results["DQN", s][1]) for s in SEEDS}  # greedy
naive_eval = {s: statistics.mean(results["no replay, no target network", s][1]) for s in SEEDS}
print("greedy DQN over random, per seed:", ", ".join(f"{dqn_eval[s] / RANDOM:.1f}x" for s in SEEDS))
print("greedy DQN over the best single key:", ", ".join(f"{dqn_eval[s] / BEST_CONSTANT:.1f}x" for s in SEEDS))
print(f"greedy, mean over the seeds: DQN {statistics.mean(dqn_eval.values()):.2f}, "
      f"without replay and target network {statistics.mean(naive_eval.values()):.2f}, random {RANDOM:.2f}")
for s in SEEDS:
    assert dqn_eval[s] > 2 * RANDOM, f"seed {s}: the trained DQN should score far above the random policy"
assert statistics.mean(dqn_eval.values()) > statistics.mean(naive_eval.values()), "the ablation should do worse"
assert all(dqn_eval[s] > BEST_CONSTANT for s in SEEDS), "DQN should beat holding down any one key"


def favourite_share(net, games=5):
    """How often the network's greedy play presses its most used key, over a few games."""
    counts = [0, 0, 0]
    for g in range(games):
        for frame in play(net, Breakout(layout), seed=500 + g, epsilon=0.0)[:-1]:
            counts[frame.action] += 1
    return max(counts) / sum(counts)


shares = {(label, s): favourite_share(results[label, s][0].net) for label in ("DQN", "no replay, no target network")
          for s in SEEDS}
show_table(["run", *(f"seed {s}" for s in SEEDS)],
           [[label, *(f"{shares[label, s]:.0%}" for s in SEEDS)] for label in ("DQN", "no replay, no target network")],
           caption="How often each trained network presses its favourite key when playing greedily.")
assert statistics.mean(shares["no replay, no target network", s] for s in SEEDS) > statistics.mean(
    shares["DQN", s] for s in SEEDS), "the ablation's networks should lean on one key more than DQN's"

# %% [markdown]
# Holding one key down, which parks the paddle against a side wall, already breaks a few bricks here,
# since the ball often comes back to that corner: a baseline stronger than random keys, and the one to
# beat. DQN beats it on every seed. The ablation's networks end up near that baseline, and the table just
# above shows how: two of the three press one key almost all the time. Without replay, each update sees
# a run of nearly identical screens; without the target network, the target moves with every step;
# together, the training settles on a crude habit.

# %% [markdown]
# ## Watching it play
#
# Two games: first the network after a tenth of its training, while it was still mostly exploring, then
# the trained network. The middle pane shows its three Q-values for each screen, the action taken in
# blue; the right pane, the training curves, with a dot where the playing network came from.

# %%
best = max(SEEDS, key=lambda s: dqn_eval[s])
run = results["DQN", best][0]
games = [("early", STEPS // 10, play(run.snapshots[STEPS // 10], Breakout(layout), seed=5)),
         ("trained", STEPS, play(run.net, Breakout(layout), seed=5))]
games = [(label, step, frames[:150]) for label, step, frames in games]
animation = play_animation(
    games, run, CONFIG, layout.width, layout.height, name="l05-breakout",
    alt=("The miniature Breakout played twice: early in training the network soon lets the ball "
         "past; trained, it follows the ball and breaks bricks. The middle pane shows the three "
         "Q-values per screen, the right pane the training score rising and the loss."))
tenths = range(STEPS // 10, STEPS + 1, STEPS // 10)
trace = []
for step in tenths:
    scores = [score for score, end in zip(run.scores, run.ends) if end <= step]
    updates = min(len(run.losses), max(0, (step - CONFIG.learning_starts) // CONFIG.train_every + 1))
    trace.append([f"{step:,}", len(scores), f"{statistics.mean(scores[-20:]):.2f}" if scores else "",
                  f"{statistics.mean(run.losses[:updates][-50:]):.2e}" if updates else "",
                  next((label for label, at, _ in games if at == step), "")])
show_table(["environment steps", "episodes ended", "score, 20-episode mean", "Huber loss, 50-update mean",
            "game shown"], trace,
           caption=f"The animation's right pane in numbers, DQN seed {best}. A row's steps, where "
                   "a network trained that long plays in the animation, show its game.",
           frames=animation.frames_at(tenths))

# %% [markdown]
# ## What is different from the papers, and why
#
# | | the papers (2015) | here |
# |---|---|---|
# | screen | 84 x 84 grey, 4 frames | 8 x 10 binary, 2 frames |
# | network | 3 convolutional layers, a dense layer of 512, a linear output | a dense layer of 32, a linear output |
# | frames | every 4th frame (frame skip) | every step |
# | replay start | after 50,000 frames | after 500 steps |
# | replay memory | 1,000,000 transitions | 10,000 |
# | exploration | ε from 1 to 0.1 over 1,000,000 frames | over 5,000 steps |
# | target refresh | every 10,000 updates | every 200 updates |
# | optimiser | RMSProp, 2.5e-4 | Adam, 1e-3 |
# | training | 50,000,000 frames | 20,000 steps per run |
#
# Everything is smaller because the game is, and because every multiply here is a Python multiply
# (`scripts/bench_nn.py` times a forward and backward pass of this network). What is the papers': the
# Q-learning target, the Huber loss, replay, the target network, annealed exploration, minibatches of 32,
# $\gamma = 0.99$, an update every fourth step, and evaluation at $\varepsilon = 0.05$ (here also greedy).
