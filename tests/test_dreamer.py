"""Imagination and the behaviour learned in it: lambda-returns by hand, the return scale, rollout shapes,
determinism, the training loop's bookkeeping and errors, and learning in a short run."""

import math
import re

import pytest

from conftest import central_differences
from policywerk import session
from policywerk.agents.dreamer import (
    Agent,
    Config,
    behaviour_update,
    evaluate,
    imagine,
    lambda_returns,
    new_actor,
    random_episode,
    return_scale,
    sample_action,
    sample_sequences,
    train,
)
from policywerk.agents.world_model import ModelConfig, WorldModel
from policywerk.math.random import Rng
from policywerk.math.vectors import argmax
from policywerk.nn.layers import mlp
from policywerk.nn.optim import Adam
from policywerk.worlds.reach import Reach


def test_lambda_returns_by_hand():
    # gamma 0.5, lambda 0.5; rewards r0..r2, values v0..v3
    rewards, values = [1.0, 0.0, 2.0], [0.0, 4.0, 2.0, 8.0]
    # V2 = 2 + 0.5 * (0.5 * 8 + 0.5 * 8) = 6
    # V1 = 0 + 0.5 * (0.5 * 2 + 0.5 * 6) = 2
    # V0 = 1 + 0.5 * (0.5 * 4 + 0.5 * 2) = 2.5
    assert lambda_returns(rewards, values, 0.5, 0.5) == pytest.approx([2.5, 2.0, 6.0])
    # lambda 0: one-step targets; lambda 1: the discounted sum bootstrapped once at the end
    assert lambda_returns(rewards, values, 0.5, 0.0) == pytest.approx([1 + 0.5 * 4, 0 + 0.5 * 2, 2 + 0.5 * 8])
    assert lambda_returns(rewards, values, 0.5, 1.0)[0] == pytest.approx(1 + 0.5 * 0 + 0.25 * 2 + 0.125 * 8)
    with pytest.raises(ValueError, match=r"^need one more value than rewards, got 3 and 3$"):
        lambda_returns(rewards, values[:3], 0.5, 0.5)


def test_the_return_scale_is_the_spread_between_percentiles_but_never_below_one():
    returns = [float(k) for k in range(101)]  # 0..100: P5 = 5, P95 = 95
    assert return_scale(returns) == 90.0
    assert return_scale([0.2, 0.0, 0.1, 0.3]) == 1.0  # a batch that earned little is not blown up
    assert return_scale([3.0]) == 1.0


def test_the_return_scale_rounds_the_percentiles_positions_to_the_nearest_index():
    """The sorted returns are indexed at round(0.05 (n - 1)) and round(0.95 (n - 1)), Python's round
    taking halves to the even side. n = 11 (0, 10, .., 100): round(0.5) = 0 and round(9.5) = 10, so
    S = 100 - 0; n = 12 (0, 10, .., 110): round(0.55) = 1 and round(10.45) = 10, so S = 100 - 10."""
    assert return_scale([10.0 * k for k in (3, 7, 0, 10, 1, 9, 2, 8, 4, 6, 5)]) == 100.0
    assert return_scale([10.0 * k for k in range(12)][::-1]) == 90.0


def small():
    c = ModelConfig(embed=4, deter=5, stoch=3, hidden=4)
    model = WorldModel(obs_size=9, n_actions=3, c=c, rng=Rng(0))
    actor = new_actor(c.deter + c.stoch, 4, 3, Rng(1))
    start = ([0.1, -0.2, 0.3, 0.0, 0.5], [0.2, -0.1, 0.4])
    return model, actor, start


def test_an_imagined_rollout_has_the_right_shapes():
    model, actor, start = small()
    dream = imagine(model, actor, start, horizon=6, rng=Rng(3))
    assert len(dream.features) == 7 and len(dream.actions) == 6 and len(dream.rewards) == 6
    assert all(len(f) == 8 for f in dream.features)
    assert dream.features[0] == start[0] + start[1]
    assert all(a in (0, 1, 2) for a in dream.actions)


def test_imagination_is_deterministic_per_seed_and_without_one():
    model, actor, start = small()
    first = imagine(model, actor, start, 6, Rng(3))
    again = imagine(model, actor, start, 6, Rng(3))
    other = imagine(model, actor, start, 6, Rng(4))
    assert (first.features, first.actions, first.rewards) == (again.features, again.actions, again.rewards)
    assert first.features != other.features
    dream_a = imagine(model, actor, start, 6, None)
    dream_b = imagine(model, actor, start, 6, None)
    assert dream_a.features == dream_b.features


def test_a_sampled_dream_draws_each_action_from_the_actor_and_each_state_from_the_prior():
    """With an rng, each step samples the actor's softmax and then the prior's Gaussian, from the one rng, in
    that order: the dream replays by hand, and it is not the deterministic dream."""
    model, actor, start = small()
    dream = imagine(model, actor, start, 6, Rng(3))
    rng, (h, z) = Rng(3), start
    actions, features, rewards = [], [start[0] + start[1]], []
    for _ in range(6):
        logits = actor.forward(h + z)
        actions.append(sample_action(logits, rng))
        h, z = model.imagine_step(h, z, actions[-1], rng)
        features.append(h + z)
        rewards.append(model.predict_reward(h, z))
    assert (dream.actions, dream.features, dream.rewards) == (actions, features, rewards)
    assert [d.output for d in dream.decisions] == [actor.forward(f) for f in features[:-1]]
    assert len(set(actions)) > 1  # the near-uniform actor's draws are not its argmax every time
    assert model.rollout(*start, actions) != [(f[:5], f[5:]) for f in features[1:]]  # the prior was sampled


def test_a_deterministic_dream_is_the_models_open_loop_rollout_of_the_actors_choices():
    model, actor, start = small()
    dream = imagine(model, actor, start, 5, None)
    states = model.rollout(*start, dream.actions)
    assert [h + z for h, z in states] == dream.features[1:]
    assert [model.predict_reward(h, z) for h, z in states] == dream.rewards


def test_the_behaviour_update_moves_the_actor_towards_the_imagined_reward():
    """A model whose reward head pays for one action's consequences only: after a few updates in its
    imagination, the actor prefers that action."""
    model, actor, start = small()
    critic = mlp([8, 4, 1], Rng(2), activation="tanh")
    # make the reward the first GRU input's echo: action 2 (one-hot at index stoch + 2) pays
    for row in model.reward.layers[0].w:
        row[:] = [0.0] * len(row)
    model.reward.layers[-1].w[0][:] = [0.0] * len(model.reward.layers[-1].w[0])
    model.gru.w_u = [[0.0] * len(r) for r in model.gru.w_u]
    model.gru.b_u = [-30.0] * len(model.gru.b_u)  # u = 0: h' = c, the candidate, which sees the action
    model.gru.w_c[0] = [0.0] * len(model.gru.w_c[0])
    model.gru.w_c[0][3 + 2] = 3.0
    model.reward.layers[0].w[0][0] = 1.0
    model.reward.layers[-1].w[0][0] = 1.0

    c = Config(model=model.c, horizon=3, entropy=0.0)
    opt = Adam(actor.parameters(), lr=0.05)
    before = actor.forward(start[0] + start[1])
    for k in range(30):
        behaviour_update(model, actor, critic, [start] * 8, c, Rng(k))
        opt.step()
    after = actor.forward(start[0] + start[1])
    assert after[2] - max(after[0], after[1]) > before[2] - max(before[0], before[1]) + 1.0


def test_the_behaviour_updates_gradients_are_those_of_the_mean_actor_and_critic_losses():
    """Two starts, 3 imagined steps each (6 samples). The actor's gradient is that of
    mean(-(V_k - v(s_k)) / S log pi(a_k | s_k) - eta H(pi(. | s_k))) with the dreams, the lambda-returns and the
    spread S held fixed; the critic's that of mean((1/2)(v(s_k) - V_k)^2); the returned numbers are the mean
    lambda-return and the mean entropy. The reward head is scaled up so that S > 1 and its division counts."""
    model, actor, start = small()
    last = model.reward.layers[-1]
    last.w[0][:] = [30.0 * w for w in last.w[0]]
    last.b[0] = 2.0
    critic = mlp([8, 4, 1], Rng(2), activation="tanh")
    starts = [start, ([0.4, 0.1, -0.5, 0.2, 0.0], [-0.3, 0.6, 0.1])]
    c = Config(model=model.c, horizon=3, gamma=0.8, lam=0.7, entropy=0.3)

    rng = Rng(7)  # the dreams behaviour_update has, from the same seed
    dreams = [imagine(model, actor, s, c.horizon, rng) for s in starts]
    samples = []
    for dream in dreams:
        values = [critic.forward(f)[0] for f in dream.features]
        targets = lambda_returns(dream.rewards, values, c.gamma, c.lam)
        samples += zip(dream.features, dream.actions, targets, values)
    spread = return_scale([target for _, _, target, _ in samples])
    assert spread > 2.0

    def probabilities(f):
        exps = [math.exp(v) for v in actor.forward(f)]
        return [e / sum(exps) for e in exps]

    def entropy(f):
        return -sum(p * math.log(p) for p in probabilities(f))

    def actor_loss():
        return sum(-(V - v) / spread * math.log(probabilities(f)[a]) - c.entropy * entropy(f)
                   for f, a, V, v in samples) / len(samples)

    def critic_loss():
        return sum(0.5 * (critic.forward(f)[0] - V) ** 2 for f, _, V, _ in samples) / len(samples)

    mean_return, mean_entropy = behaviour_update(model, actor, critic, starts, c, Rng(7))
    assert mean_return == pytest.approx(sum(V for _, _, V, _ in samples) / 6, rel=1e-12)
    assert mean_entropy == pytest.approx(sum(entropy(f) for f, _, _, _ in samples) / 6, rel=1e-12)
    got_actor = [list(g) for _, g in actor.parameters()]
    got_critic = [list(g) for _, g in critic.parameters()]
    for got, want in zip(got_actor, central_differences(actor.parameters(), actor_loss), strict=True):
        assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
    for got, want in zip(got_critic, central_differences(critic.parameters(), critic_loss), strict=True):
        assert got == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_sequences_are_windows_that_start_afresh():
    episodes = [[(None if t == 0 else t % 3, [float(t)], float(t)) for t in range(21)] for _ in range(3)]
    for window in sample_sequences(episodes, 20, 10, Rng(0)):
        assert len(window) == 10 and window[0][0] is None
        first = int(window[0][1][0])
        assert [int(step[1][0]) for step in window] == list(range(first, first + 10))


def test_a_window_as_long_as_its_episode_is_the_whole_episode():
    episodes = [[(None if t == 0 else 1, [float(t)], float(t)) for t in range(5)]]
    assert sample_sequences(episodes, 3, 5, Rng(0)) == [episodes[0]] * 3


def test_a_random_episode_starts_from_a_seeded_reset_and_draws_every_action():
    """Replayed by hand: the reset seeded by the Rng's first draw, then a uniform action per step, to the end."""
    steps = random_episode(Reach(cells=4, target=(1, 2)), Rng(5))
    env, rng = Reach(cells=4, target=(1, 2)), Rng(5)
    obs, _ = env.reset(seed=rng.randrange(2**31))
    expected, done = [(None, obs, 0.0)], False
    while not done:
        action = rng.randrange(5)
        obs, reward, terminated, truncated, _ = env.step(action)
        expected.append((action, obs, reward))
        done = terminated or truncated
    assert steps == expected and len(steps) == 21


TINY = Config(model=ModelConfig(embed=4, deter=4, stoch=2, hidden=6), hidden=6, horizon=3, batch=2, length=4,
              starts=4, prefill=3, pretrain=2, updates_per_episode=1)


def test_training_keeps_its_records_and_snapshots_and_is_reproducible():
    env = Reach(cells=4, target=(1, 2))
    run = train(env, 3, TINY, seed=5, snapshots=(0, 3))
    assert len(run.records) == 3 and len(run.episodes) == 3 + 3
    assert len(run.model_losses) == 2 + 3
    assert sorted(run.snapshots) == [0, 3] and isinstance(run.snapshots[0], Agent)
    assert run.snapshots[0].actor is not run.agent.actor  # a copy, frozen at round 0
    assert run.snapshots[3].actor.forward([0.1] * 6) == run.agent.actor.forward([0.1] * 6)
    again = train(Reach(cells=4, target=(1, 2)), 3, TINY, seed=5)
    assert [r.real_return for r in again.records] == [r.real_return for r in run.records]
    assert again.model_losses == run.model_losses


@pytest.mark.parametrize("rounds", [-1, 1.5, True, "3"])
def test_training_refuses_a_bad_number_of_rounds(rounds):
    with pytest.raises(ValueError, match=rf"^rounds must be an int >= 0, got {re.escape(repr(rounds))}$"):
        train(Reach(cells=4), rounds, TINY, seed=0)


@pytest.mark.parametrize("snapshots", [(3,), (-1,), (0, 2, 3)])
def test_training_refuses_snapshots_outside_the_run(snapshots):
    with pytest.raises(ValueError, match=rf"^snapshots must be rounds in 0\.\.2, got {re.escape(repr(snapshots))}$"):
        train(Reach(cells=4), 2, TINY, seed=0, snapshots=snapshots)


def test_training_reports_its_progress_by_seed_pretraining_and_rounds():
    seen = []
    with session.activate(session.Session(report=seen.append)):
        train(Reach(cells=4, target=(1, 2)), 1, TINY, seed=5)
    done = [(p.label, p.done, p.total) for p in seen if p.finished]
    # rounds + 1 passes, the last only for the snapshots: the loop leaves it before counting it
    assert done == [("Dreamer, seed 5, world-model pretraining", 2, 2), ("Dreamer, seed 5, rounds", 1, 2)]


def test_config_defaults_are_lesson_07s_settings():
    """Lesson 07 trains with Config(prefill=..., pretrain=...): the rest are these defaults."""
    assert Config() == Config(model=ModelConfig(), hidden=32, horizon=10, gamma=0.9, lam=0.95, entropy=0.01,
                              model_lr=5e-3, actor_lr=3e-3, critic_lr=1e-3, batch=4, length=8, starts=16,
                              prefill=100, pretrain=500, updates_per_episode=5)


def test_evaluation_gives_the_random_policy_and_the_agent_the_same_starts():
    env = Reach(cells=4, target=(1, 2), slip=0.0)
    starts = []

    def stay(e, rng):
        if e.steps == 0:
            starts.append(e.agent)
        return 0

    rewards = evaluate(stay, env, 6, seed=3)
    assert len(rewards) == 6 and all(len(r) == 20 for r in rewards)
    assert len(set(starts)) > 1
    assert [r[0] for r in rewards] == [0.5 ** (abs(a - 1) + abs(b - 2)) for a, b in starts]
    run = train(Reach(cells=4, target=(1, 2), slip=0.0), 0, TINY, seed=1)
    agent_rewards = evaluate(run.agent, env, 6, seed=3)
    rng = Rng(3)
    for episode in range(6):
        env.reset(seed=rng.randrange(2**31))
        assert env.agent == starts[episode]
    assert len(agent_rewards) == 6 and all(len(r) == 20 for r in agent_rewards)


def reach_agent(sharp):
    """An agent for the 4 x 4 Reach (36 pixels, 5 actions); ``sharp`` scales the actor's last layer up from
    near-uniform, so that its choices follow the model's state closely."""
    c = ModelConfig(embed=4, deter=4, stoch=2, hidden=6)
    actor = new_actor(6, 6, 5, Rng(1))
    last = actor.layers[-1]
    last.w = [[sharp * w for w in row] for row in last.w]
    return Agent(WorldModel(36, 5, c, Rng(0)), actor, mlp([6, 6, 1], Rng(2), activation="tanh"))


def acted_by_hand(agent, env, seed, choose):
    """Agent.act written out: reset with the seed, filter the frames with the actions taken, choose."""
    obs, _ = env.reset(seed=seed)
    h, z = agent.model.initial()
    steps, action, done = [(None, obs, 0.0)], None, False
    while not done:
        h, z = agent.model.observe(h, z, action, obs)
        action = choose(agent.actor.forward(h + z))
        obs, reward, terminated, truncated, _ = env.step(action)
        steps.append((action, obs, reward))
        done = terminated or truncated
    return steps


@pytest.mark.parametrize("explore", [False, True])
def test_an_agent_acts_on_the_filtered_state_greedily_or_by_sampling(explore):
    """A real episode from the seeded start: the first step is (None, first frame, 0), the model filters
    each frame with the action that led to it, the actor chooses by argmax (or samples with the rng when
    exploring), and the total is the sum of the episode's rewards."""
    agent = reach_agent(sharp=1.0 if explore else 300.0)
    env = Reach(cells=4, target=(1, 2), slip=0.0)
    observe, filtered_with = agent.model.observe, []

    def spy(h, z, action, obs, rng=None):
        filtered_with.append(action)
        return observe(h, z, action, obs, rng)

    agent.model.observe = spy
    steps, total = agent.act(env, Rng(8) if explore else None, explore=explore, seed=11)
    del agent.model.observe
    assert filtered_with == [action for action, _, _ in steps[:-1]]  # None, then each action taken
    rng = Rng(8)
    expected = acted_by_hand(agent, Reach(cells=4, target=(1, 2), slip=0.0), 11,
                             (lambda logits: sample_action(logits, rng)) if explore else argmax)
    assert steps == expected
    assert steps[0][1] == Reach(cells=4, target=(1, 2)).reset(seed=11)[0] != Reach(cells=4, target=(1, 2)).reset()[0]
    assert total == pytest.approx(sum(reward for _, _, reward in steps[1:]), rel=1e-12) and total > 0.0
    actions = [action for action, _, _ in steps[1:]]
    assert len(set(actions)) > 1
    if explore:  # the draws are not the actor's argmax every time
        assert steps != acted_by_hand(agent, Reach(cells=4, target=(1, 2), slip=0.0), 11, argmax)


def test_evaluation_seeds_each_start_and_hands_the_policy_its_rng():
    """A policy that draws its actions from the rng it is given: the rewards are those of replaying the
    episodes by hand, each start seeded by a draw of Rng(seed), the actions drawn from the same Rng after it.
    An agent's episodes start from the same seeds."""
    def random_policy(env, rng):
        return rng.randrange(5)

    rewards = evaluate(random_policy, Reach(cells=4, target=(1, 2), slip=0.0), 3, seed=4)
    rng, env, expected = Rng(4), Reach(cells=4, target=(1, 2), slip=0.0), []
    for _ in range(3):
        env.reset(seed=rng.randrange(2**31))
        episode, done = [], False
        while not done:
            _, reward, terminated, truncated, _ = env.step(rng.randrange(5))
            episode.append(reward)
            done = terminated or truncated
        expected.append(episode)
    assert rewards == expected

    class Seeds(Reach):
        def reset(self, seed=None):
            self.seeds = [*getattr(self, "seeds", []), seed]
            return super().reset(seed=seed)

    agent, recorded = reach_agent(sharp=300.0), Seeds(cells=4, target=(1, 2), slip=0.0)
    agent_rewards = evaluate(agent, recorded, 3, seed=4)
    rng = Rng(4)
    starts = [rng.randrange(2**31) for _ in range(3)]
    assert recorded.seeds == starts
    assert agent_rewards == [[r for _, _, r in acted_by_hand(agent, Reach(cells=4, target=(1, 2), slip=0.0), s,
                                                            argmax)[1:]] for s in starts]


def test_one_round_of_train_is_its_pieces_composed_by_hand():
    """train with one round written out: model, actor and tanh critic from the seed's Rng; Adam at each of the
    three step sizes; the prefill, the pretraining, an update of the model and of the behaviour from sampled
    starts, and one episode played by the actor."""
    c = Config(model=ModelConfig(embed=4, deter=4, stoch=2, hidden=6), hidden=6, horizon=3, batch=2, length=4,
               starts=4, prefill=2, pretrain=2, updates_per_episode=1, model_lr=0.01, actor_lr=0.02, critic_lr=0.03)
    run = train(Reach(cells=4, target=(1, 2)), 1, c, seed=5)

    env, rng = Reach(cells=4, target=(1, 2)), Rng(5)
    model = WorldModel(env.obs_size, 5, c.model, rng)
    agent = Agent(model, new_actor(6, 6, 5, rng), mlp([6, 6, 1], rng, activation="tanh"))
    model_opt = Adam(model.parameters(), lr=0.01)
    actor_opt, critic_opt = Adam(agent.actor.parameters(), lr=0.02), Adam(agent.critic.parameters(), lr=0.03)
    episodes = [random_episode(env, rng) for _ in range(2)]
    losses = []
    for _ in range(3):  # two pretraining updates, then the round's
        loss, states = model.learn(sample_sequences(episodes, 2, 4, rng), rng)
        model_opt.step()
        losses.append(loss)
    imagined, entropy = behaviour_update(model, agent.actor, agent.critic, rng.sample(states, 4), c, rng)
    actor_opt.step()
    critic_opt.step()
    steps, real = agent.act(env, rng, explore=True, seed=rng.randrange(2**31))

    for mine, theirs in ((model, run.agent.model), (agent.actor, run.agent.actor), (agent.critic, run.agent.critic)):
        assert [list(v) for v, _ in mine.parameters()] == [list(v) for v, _ in theirs.parameters()]
    assert run.episodes == episodes + [steps]
    (record,) = run.records
    assert (record.imagined_return, record.entropy, record.real_return) == (imagined, entropy, real)
    assert run.model_losses == losses and record.losses == losses[-1] != losses[-2]


def test_a_new_actor_is_a_tanh_network_whose_last_layer_starts_near_uniform():
    """The network mlp draws from the same Rng, with its last layer's weights times 0.01; no gradient yet."""
    actor, drawn = new_actor(6, 4, 5, Rng(1)), mlp([6, 4, 5], Rng(1), activation="tanh")
    assert actor.layers[-1].w == [[0.01 * w for w in row] for row in drawn.layers[-1].w]
    drawn.layers[-1].w = actor.layers[-1].w
    x = [0.9, -2.0, 0.3, -0.7, 1.5, -0.2]  # some hidden sums negative, where tanh and ReLU differ
    assert actor.forward(x) == drawn.forward(x)
    assert all(g == 0.0 for _, grads in actor.parameters() for g in grads)
