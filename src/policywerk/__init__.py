"""Policywerk: reinforcement learning built up from scalar arithmetic, one landmark paper at a time.

Layers, bottom to top; each imports only from the layers below it:

    math      scalars (the one sigmoid), vectors, linear solves, seeded randomness, the input check
    rl        pieces the algorithms share: spaces, Bellman backups, the replay buffer
    nn        neural networks from scalars: dense layers and their backward pass, a GRU, Gaussian and
              Bernoulli distributions, losses, optimisers
    worlds    the environments, each in the shape of Gymnasium's API (``reset``, ``step``)
    agents    the algorithms, one file each: value iteration ... Dreamer
    show      what a lesson shows besides pictures: tables, hyperparameters, the library's own source
    viz       pictures and animations (the only place matplotlib is imported)
    lessons   the seven lessons, one module per paper, each also its page on the site

``policywerk.session`` sits beside them all: what a lesson is run with (quick or full setting, budgets,
seeds, progress reports) and the record of what it showed. It imports only ``math.checks``.

``policywerk.tryit`` runs a reader's version of a lesson's cell, as the site's try-it cells do in the
browser (standard library only, like everything but ``viz``).

``policywerk.literate`` is the build machinery that runs a lesson cell by cell, caches the run and
renders the page; a learner can skip it.

To follow a lesson, open its module and then the files it calls:

    01 Bellman         lessons/l01_bellman.py, worlds/gridworld.py, rl/mdp.py, rl/bellman.py,
                       agents/value_iteration.py, agents/policy_iteration.py
    02 actor-critic    lessons/l02_actor_critic.py, worlds/cartpole.py, agents/adaptive_elements.py
    03 TD learning     lessons/l03_td_learning.py, worlds/random_walk.py, agents/td_prediction.py
    04 Q-learning      lessons/l04_q_learning.py, worlds/cliff.py, agents/td_control.py
    05 DQN             lessons/l05_dqn.py, worlds/breakout.py, agents/dqn.py, nn/layers.py,
                       nn/losses.py, nn/optim.py, rl/replay.py
    06 PPO             lessons/l06_ppo.py, worlds/cartpole.py (ForceCartPole), agents/ppo.py,
                       nn/layers.py, nn/optim.py
    07 world model     lessons/l07_world_model.py, worlds/reach.py, agents/world_model.py,
                       agents/dreamer.py, nn/gru.py, nn/distributions.py, nn/layers.py
"""

__version__ = "0.1.0"
