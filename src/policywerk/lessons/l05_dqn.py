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

# %% tags=["setup"]
import statistics
from dataclasses import dataclass, replace

import policywerk.viz.breakout as viz
from policywerk.agents.dqn import Config, Run, evaluate, play, train, update
from policywerk.math.random import Rng
from policywerk.math.stats import apart, estimate, paired
from policywerk.math.vectors import moving_average
from policywerk.session import budget, seeds
from policywerk.show import config_rows, show_hyperparameters, show_source, show_table
from policywerk.sketch import line_chart
from policywerk.worlds.breakout import Breakout, Layout

CONFIG = Config(epsilon_steps=budget(full=5_000, quick=3_000),
                learning_starts=budget(full=500, quick=300))
STEPS = budget(full=20_000, quick=10_000)
SEEDS = seeds(budget(full=[0, 1, 2], quick=[0]))
EVAL_EPISODES = budget(full=100, quick=20)
layout = Layout()
show_hyperparameters([
    *config_rows(CONFIG),
    ("STEPS", STEPS, "environment steps of training per run"),
    ("SEEDS", SEEDS, "independent runs, each for DQN and for the ablation"),
    ("EVAL_EPISODES", EVAL_EPISODES, "games to score a trained network, greedy and at ε = 0.05"),
])

# %% [markdown]
# ## The world: a game seen as pixels
#
# The screen is 8 pixels wide and 10 high, every pixel 0 or 1. Two rows of bricks near the top, a paddle
# three pixels wide on the bottom row, a one-pixel ball moving diagonally. Breaking a brick scores 1;
# letting the ball past the paddle ends the game; a game is cut off after 400 steps. The agent can keep
# the paddle still or move it left or right. Like DQN, which stacked the last four screens, the agent
# sees the last **two** screens side by side, because a single frame cannot show which way the ball is
# moving: 160 numbers in all. Here they are, two steps into a game, each screen stored row by row:

# %%
env = Breakout(layout)
env.reset(seed=3)
for _ in range(2):
    obs, *_ = env.step(0)  # two steps in, so that the two screens differ where the ball moved
print(viz.screens_text(obs, layout.width, layout.height))

# %% [markdown]
# The ball is the one lit pixel between the bricks and the paddle. From the previous screen to the
# current one it moved a row up and a column left: it is rising towards the bricks and drifting left.
# Neither screen alone says so.
#
# Two ways of playing that learn nothing set the scale for what follows: pressing keys at random, and
# holding one key down for the whole game. Each is scored by the bricks it breaks, averaged over 500
# games, five times as many as a trained network will be scored on, so that the yardsticks themselves
# are not noisy: each mean comes with its standard error (SE), the games' standard deviation over
# $\sqrt{500}$, the typical distance between the mean of these games and the mean over endlessly many;
# the true mean lies within 1.96 SE of it in 95 of 100 such measurements. The games' starts come from
# one seeded generator, which the random keys draw from too, so only the fixed keys play exactly the
# same games.

# %%
def baseline(choose, games=EVAL_EPISODES * 5, seed=11):
    """The mean score of a way of pressing keys, with its standard error, over ``games`` games whose
    starts are drawn from ``seed`` (``choose`` draws from the same generator)."""
    rng, scores = Rng(seed), []
    for _ in range(games):
        env.reset(seed=rng.randrange(2**31))
        done = False
        while not done:
            _, _, terminated, truncated, info = env.step(choose(rng))
            done = terminated or truncated
        scores.append(info["score"])
    return estimate(scores)


RANDOM = baseline(lambda rng: rng.randrange(3))
CONSTANT = {name: baseline(lambda rng, a=a: a) for a, name in enumerate(("stay", "left", "right"))}
print(f"random keys, mean score: {RANDOM.text(2, 'games')}")
for name, score in CONSTANT.items():
    print(f"always {name + ':':<7}          {score.text(2, 'games')}")
BEST_CONSTANT = max(CONSTANT.values(), key=lambda score: score.mean)

# %% [markdown]
# Holding left or right down, which parks the paddle against a side wall, already breaks a few bricks here,
# since the ball often comes back to that corner: a baseline stronger than random keys, and the one to
# beat. A network that scores no more than that has learned a habit, not the game.
#
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
# In code, one update is a loop over a minibatch of stored transitions. The target network supplies
# the bootstrap term, or none where the game ended. Only the Q-value of the action taken gets a
# gradient: a transition says nothing about the keys that were not pressed. The gradients of the
# minibatch's mean loss add up in the network's weights, and the training loop then calls Adam:

# %%
show_source(update, "One DQN update: the Q-learning target and the Huber loss's gradient, for a "
                    "minibatch of transitions")

# %% [markdown]
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
# It switches off both ideas at once, so it shows what they do together, not each alone. Both use each
# transition in about eight updates (a minibatch of 32 every 4 steps); what differs is which eight.
# Replay draws them at random from the last 10,000 steps, each time among transitions from many other
# games; the ablation uses each in eight consecutive updates, with the steps just before and after it.
#
# Each trained network is then scored on games it never trained on, in two ways. **Greedy** play presses
# the key with the largest Q-value on every screen. The papers kept $\varepsilon = 0.05$ instead, a
# random key one time in twenty, so that a network cannot score by replaying one memorised sequence of
# moves. This page reports both.

# %%
@dataclass
class Result:
    """One trained network and its scores, each a list of EVAL_EPISODES games."""

    run: Run  # the training run: the network, each episode's score, each update's loss
    greedy: list[float]  # the key with the largest Q-value, always
    paper: list[float]  # a random key 5% of the time, as the papers evaluated


ABLATION = "no replay, no target network"
NAIVE = replace(CONFIG, replay=False, target=False)
results = {}
for label, config in (("DQN", CONFIG), (ABLATION, NAIVE)):
    for seed in SEEDS:
        early = (STEPS // 10,) if label == "DQN" else ()  # a copy of the network, for the animation
        run = train(Breakout(layout), STEPS, config, seed, snapshots=early)
        greedy = evaluate(run.net, Breakout(layout), EVAL_EPISODES, seed=1000 + seed, epsilon=0.0)
        paper = evaluate(run.net, Breakout(layout), EVAL_EPISODES, seed=1000 + seed)  # epsilon 0.05
        results[label, seed] = Result(run, greedy, paper)
total_updates = sum(result.run.updates for result in results.values())
print(f"{len(results)} runs: {2 * len(SEEDS) * STEPS:,} environment steps and {total_updates:,} "
      f"updates of a minibatch of {CONFIG.batch}")

# %% [markdown]
# Each network's mean score, per seed, with its standard error over the evaluation games and the two
# yardsticks in the caption. A network that has learned the game should beat both by a wide margin,
# greedy or not. The standard error is the typical distance between a network's mean over its games
# and the mean it would score over endlessly many; it says nothing of how another training seed would
# score, a different question, which three seeds can only begin to answer (the checks below come back
# to it).

# %%
def with_error(scores):
    score = estimate(scores)
    return f"{score.mean:.2f} ± {score.error:.2f}"


evaluation = []
for label in ("DQN", ABLATION):
    greedy = [with_error(results[label, s].greedy) for s in SEEDS]
    paper = [with_error(results[label, s].paper) for s in SEEDS]
    evaluation += [[label, "greedy", *greedy], [label, "ε = 0.05", *paper]]
show_table(["run", "playing", *(f"seed {s}" for s in SEEDS)], evaluation,
           caption=(f"Mean score ± SE of each trained network over {EVAL_EPISODES} games, per "
                    f"seed. For comparison, over {EVAL_EPISODES * 5} games: random keys "
                    f"{RANDOM.mean:.2f} ± {RANDOM.error:.2f}, the best single key held down "
                    f"{BEST_CONSTANT.mean:.2f} ± {BEST_CONSTANT.error:.2f}."))

# %% [markdown]
# DQN does, on every seed; the ablation ends around what holding one key down scores, below it on one
# seed and about level on the others. The papers' 5% of random
# keys costs DQN a little: one wrong key at the wrong moment can let the ball past.
#
# ## How they learned
#
# The table is where the runs ended. The figure shows how they got there: the score of every training
# episode against the environment steps taken so far, as a mean over 20 episodes, one line per seed
# (each starts at its 20th episode, the first with a full window). These games were played while
# learning, with exploration: $\varepsilon$ falls from 1 to 0.1 over the first 5,000 steps and stays
# there, so even late in training one key in ten is pressed at random. The table under the figure gives
# the same curves in numbers, a mean per fifth of the run.

# %%
runs = {label: [results[label, s].run for s in SEEDS] for label in ("DQN", ABLATION)}
viz.learning_figure(runs, RANDOM.mean, window=20, name="l05-learning",
                    alt=(f"Score per training episode against environment steps for {len(SEEDS)} "
                         f"seeds: DQN's curves climb well above the random policy's "
                         f"{RANDOM.mean:.1f}; "
                         "without replay and target network they climb less."))
blocks = range(0, STEPS, STEPS // 5)
rows = []
for label in ("DQN", ABLATION):
    rows += [[label, s, *viz.block_means(results[label, s].run, blocks)] for s in SEEDS]
show_table(["run", "seed", *(f"steps {b + 1:,}-{b + blocks.step:,}" for b in blocks)], rows,
           caption="Mean score of the training episodes (with exploration), in blocks of steps.")

# %% [markdown]
# Both start alike. In the first fifth, with mostly random keys and no updates for the first 500
# steps, they score about what random keys do. They part in the second half: DQN's scores go on
# rising, while the ablation's rise more slowly, with stalls and setbacks.
#
# Three comparisons carry the story: greedy DQN against random keys, against the best single key held
# down, and against the ablation. The code checks two of them with a margin: the gap must exceed
# `MARGIN` standard errors of the gap, three on this page and one in the quick setting that the tests
# use, whose networks train half as long and are scored on only 20 games. `apart`, from `math/stats.py`,
# is that test; the games are drawn independently for each network (an evaluation's random numbers
# choose the starts and the exploring keys alike), so the standard error of a gap combines the two
# networks' own.
#
# On every seed, DQN must beat random keys. Against the ablation the unit is the training seed: the
# gap is taken seed by seed, over the three seeds, and must exceed three of its standard errors (a
# standard error from three values is itself rough, so this is a floor, not a proof). Against the best
# single key the page only prints the comparison: on the seeds shown every network beats it clearly,
# but run the page with `--seed 3` and one of the three (seed 4, 3.49 ± 0.31) scores barely above it.
# Twenty thousand steps are enough to learn more than a habit on most seeds, not on every one.

# %%
MARGIN = budget(full=3.0, quick=1.0)
dqn_eval = {s: estimate(results["DQN", s].greedy) for s in SEEDS}
naive_eval = {s: estimate(results[ABLATION, s].greedy) for s in SEEDS}
for s in SEEDS:
    times = dqn_eval[s].mean / RANDOM.mean
    ahead = "ahead of" if apart(dqn_eval[s], BEST_CONSTANT, MARGIN) else "not clearly ahead of"
    print(f"seed {s}: greedy DQN {dqn_eval[s].text(2, 'games')}, {times:.1f}x random keys,")
    print(f"  {ahead} the best single key; the ablation {naive_eval[s].text(2, 'games')}")
    assert apart(dqn_eval[s], RANDOM, MARGIN), f"seed {s}: DQN should score far above random keys"
over_seeds = paired([dqn_eval[s].mean for s in SEEDS], [naive_eval[s].mean for s in SEEDS])
print(f"DQN minus the ablation, seed by seed: {over_seeds.text(2, 'seeds')}")
assert over_seeds.mean > MARGIN * over_seeds.error, "the ablation should do worse"

# %% [markdown]
# ## A crude habit
#
# On the seeds shown, DQN beats the best single key on every one; the ablation's networks end up near it. To see why,
# let each trained network play five games greedily and count its keys. A network that reads the screen
# moves the paddle both ways; one that has settled on a habit presses one key nearly all the time.

# %%
shares = {label: [viz.favourite_share(results[label, s].run.net, layout) for s in SEEDS]
          for label in ("DQN", ABLATION)}
show_table(["run", *(f"seed {s}" for s in SEEDS)],
           [[label, *(f"{share:.0%}" for share in shares[label])] for label in shares],
           caption="How often each trained network presses its favourite key when playing "
                   "greedily.")
assert statistics.mean(shares[ABLATION]) > statistics.mean(shares["DQN"]), \
    "the ablation's networks should lean on one key more than DQN's"

# %% [markdown]
# With three networks of each kind this is an illustration more than a measurement, and the check asks
# only that the ablation's networks lean on one key more, on average, than DQN's.
#
# Two of the ablation's three networks press one key almost all the time: they have settled on one key
# rather than learned the game. Without replay, each update sees a run of nearly identical screens;
# without the target network, the target moves with every step; together, the training settles on a
# crude habit.
#
# To see what each idea does on its own, the cell below trains one network for 3,000 steps (on the
# site it runs in your browser, with the button under it, in about ten seconds), far too few to
# learn the game, but enough to watch the targets. Switch `target` off and run it again: bootstrapping
# from the network being trained, the Q-values of the first screen climb several times higher than
# the few points a game scores, and the loss, drawn below the printed lines, grows instead of
# falling. Then switch `replay` off instead. A browser's maths library may compute `exp` and `log`
# differently in the last bits, which a long run would carry forward; in Chromium these runs printed
# the same numbers as here, with the target network and without.
#
# The loss is drawn as a moving mean of 100 updates: a single update's loss depends on the 32
# transitions it happened to draw and jumps from one update to the next. What matters is the direction
# the curve takes. The loss is measured against targets the network itself sets, so a falling loss
# says that the network agrees with its own targets, not that it plays well; the score of the last
# games, which the cell prints, is the measure of that, and 3,000 steps are too few for it to rise far.

# %% tags=["try"]
replay, target = True, True  # experience replay and the target network: switch either off
small = Config(epsilon_steps=2_000, learning_starts=300, replay=replay, target=target)
trial = train(Breakout(layout), 3_000, small, seed=SEEDS[0])
start_q = trial.net.forward(Breakout(layout).reset(seed=1)[0])
print(f"replay {replay}, target network {target}: {trial.updates} updates in 3,000 steps")
first, last = statistics.mean(trial.losses[:100]), statistics.mean(trial.losses[-100:])
print(f"mean loss of the first and the last 100 updates: {first:.3f}, {last:.3f}")
print("Q-values of the first screen:", ", ".join(f"{q:.2f}" for q in start_q))
print(f"mean score of the last 20 training games: {statistics.mean(trial.scores[-20:]):.2f}")
line_chart({"loss": moving_average(trial.losses, 100)}, name="l05-try-loss", x_label="update",
           y_label="Huber loss", title=f"Loss, replay {replay}, target network {target}",
           alt="The training loss update by update, smoothed over 100 updates.")

# %% [markdown]
# ## Watching it play
#
# Two games of the seed whose network scored best in evaluation: first the network after a tenth of its
# training, while it was still mostly exploring, then the trained network. Both games start alike, are
# played as the papers evaluate, at $\varepsilon = 0.05$, and are shown for at most 150 steps. The middle
# pane shows the network's three Q-values for each screen, the action taken in blue. A bar's height is
# the network's estimate of the discounted bricks still to come if it presses that key now and plays on
# as it has learned to. The right pane shows the training curves, with a dot where the playing network
# came from.

# %%
best = max(SEEDS, key=lambda s: dqn_eval[s].mean)
run = results["DQN", best].run
early = play(run.snapshots[STEPS // 10], Breakout(layout), seed=5)
trained = play(run.net, Breakout(layout), seed=5)
games = [viz.Game("early", STEPS // 10, early[:150]), viz.Game("trained", STEPS, trained[:150])]
animation = viz.play_animation(
    games, run, CONFIG, layout.width, layout.height, name="l05-breakout",
    alt=("The miniature Breakout played twice: early in training the network soon lets the ball "
         "past; trained, it follows the ball and breaks bricks. The middle pane shows the three "
         "Q-values per screen, the right pane the training score rising and the loss."))

# %% [markdown]
# The right pane in numbers, read off at every tenth of the run. Episodes end less often as training
# goes on: a network that keeps the ball in play plays longer games. The Huber loss does not fall the
# way a supervised learner's does, because here the targets move: as the network finds more bricks
# within reach, its Q-values and so its own targets grow, and the games it learns from change with its
# play. The loss says how well the network agrees with its targets, not how well it plays.

# %%
tenths = range(STEPS // 10, STEPS + 1, STEPS // 10)
show_table(["environment steps", "episodes ended", "score, 20-episode mean",
            "Huber loss, 50-update mean", "game shown"], viz.trace_rows(run, CONFIG, games, tenths),
           caption=f"The animation's right pane in numbers, DQN seed {best}. A row's steps, where "
                   "a network trained that long plays in the animation, show its game.",
           frames=animation.frames_at(tenths))

# %% [markdown]
# ## What is different from the papers, and why
#
# | part | the papers (2015) | here |
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
#
# The budgets did not all shrink by the same factor, and a ratio can matter more than a size. Measured
# against the length of the run, each in its own unit (the 2015 paper counts frames, this page steps;
# the 2013 paper trained for a fifth as long with the same exploration and memory, so its shares were
# five times the 2015 paper's):

# %%
PAPER_RUN = 50_000_000  # frames of training in the 2015 paper
budgets = [("ε falls from 1 to 0.1 over", 1_000_000, CONFIG.epsilon_steps),
           ("the replay memory holds", 1_000_000, CONFIG.replay_capacity),
           ("learning starts after", 50_000, CONFIG.learning_starts)]
show_table(["budget", "the 2015 paper", "of the run", "here", "of the run"],
           [[what, f"{paper:,}", f"{paper / PAPER_RUN:.1%}", f"{ours:,}", f"{ours / STEPS:.1%}"]
            for what, paper, ours in budgets],
           caption="Three budgets as shares of the training run, in the 2015 paper and here.")

# %% [markdown]
# Exploration lasts a quarter of a run here, against a fiftieth in the 2015 paper: the first quarter of
# every learning curve above is mostly random play, and a network has three quarters of its run left
# to improve at $\varepsilon = 0.1$, where the paper's had 98%. And the memory holds half of everything
# a run ever sees, against a fiftieth: until three quarters of the way through a run, a minibatch here
# still draws some of its transitions from the mostly random games of the first quarter, while the
# paper's memory only ever held the latest 2% of its run. Both proportions spend more of the run on
# random play than the papers' did. Whether other proportions would learn faster in 20,000 steps, this
# page does not measure; each variant would cost about as much as the runs above.
