"""Imagination and the behaviour learned in it: lambda-returns by hand, the return scale, rollout shapes,
determinism, the training loop's bookkeeping and errors, and learning in a short run."""

import pytest

from policywerk.agents.dreamer import (
    Agent,
    Config,
    behaviour_update,
    evaluate,
    imagine,
    lambda_returns,
    new_actor,
    return_scale,
    sample_sequences,
    train,
)
from policywerk.agents.world_model import ModelConfig, WorldModel
from policywerk.math.random import Rng
from policywerk.nn.layers import mlp
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
    with pytest.raises(ValueError):
        lambda_returns(rewards, values[:3], 0.5, 0.5)


def test_the_return_scale_is_the_spread_between_percentiles_but_never_below_one():
    returns = [float(k) for k in range(101)]  # 0..100: P5 = 5, P95 = 95
    assert return_scale(returns) == 90.0
    assert return_scale([0.2, 0.0, 0.1, 0.3]) == 1.0  # a batch that earned little is not blown up
    assert return_scale([3.0]) == 1.0


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
    from policywerk.nn.optim import Adam

    c = Config(model=model.c, horizon=3, entropy=0.0)
    opt = Adam(actor.parameters(), lr=0.05)
    before = actor.forward(start[0] + start[1])
    for k in range(30):
        behaviour_update(model, actor, critic, [start] * 8, c, Rng(k))
        opt.step()
    after = actor.forward(start[0] + start[1])
    assert after[2] - max(after[0], after[1]) > before[2] - max(before[0], before[1]) + 1.0


def test_sequences_are_windows_that_start_afresh():
    episodes = [[(None if t == 0 else t % 3, [float(t)], float(t)) for t in range(21)] for _ in range(3)]
    for window in sample_sequences(episodes, 20, 10, Rng(0)):
        assert len(window) == 10 and window[0][0] is None
        first = int(window[0][1][0])
        assert [int(step[1][0]) for step in window] == list(range(first, first + 10))


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
    with pytest.raises(ValueError, match="rounds"):
        train(Reach(cells=4), rounds, TINY, seed=0)


def test_training_refuses_snapshots_outside_the_run():
    with pytest.raises(ValueError, match="snapshots"):
        train(Reach(cells=4), 2, TINY, seed=0, snapshots=(3,))


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
