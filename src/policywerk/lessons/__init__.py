"""The seven lessons, one landmark paper each. Each lesson is a module in percent format: run it with
``python -m policywerk.lessons.<module>``, open it as a notebook, or read it as its page on the site."""

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LessonInfo:
    number: int
    module: str  # file name under policywerk/lessons, without .py
    title: str
    paper: str
    year: str
    mechanism: str
    world: str
    source: Path | None = None  # only for lessons kept outside the package (the runner's tests)

    @property
    def path(self) -> Path:
        return self.source if self.source is not None else HERE / f"{self.module}.py"

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def slug(self) -> str:
        """The page's name: ``l01-bellman`` for module ``l01_bellman``."""
        return self.module.replace("_", "-")


CATALOG = (
    LessonInfo(1, "l01_bellman", "Bellman's value iteration", "Bellman, A Markovian Decision Process", "1957",
               "value iteration, policy iteration (known model)", "5x5 gridworld with goal, pit, wall"),
    LessonInfo(2, "l02_actor_critic", "An actor and a critic balance a pole",
               "Barto, Sutton & Anderson, Neuronlike Adaptive Elements", "1983",
               "actor (ASE) and critic (ACE), eligibility traces", "cart-pole, discretised into boxes"),
    LessonInfo(3, "l03_td_learning", "Temporal-difference learning",
               "Sutton, Learning to Predict by the Methods of Temporal Differences", "1988",
               "TD(0), TD(λ) vs Monte Carlo", "five-state random walk"),
    LessonInfo(4, "l04_q_learning", "Q-learning and SARSA on the cliff", "Watkins, Learning from Delayed Rewards",
               "1989", "Q-learning vs SARSA (off- vs on-policy)", "4x12 cliff world"),
    LessonInfo(5, "l05_dqn", "Deep Q-networks", "Mnih et al., Human-level control through deep RL", "2013/2015",
               "neural Q-function, experience replay, target network", "a small pixel game"),
    LessonInfo(6, "l06_ppo", "Proximal policy optimisation", "Schulman et al., Proximal Policy Optimization",
               "2017", "Gaussian policy, GAE, clipped surrogate", "continuous-force balance"),
    LessonInfo(7, "l07_world_model", "Learning in imagination", "Hafner et al., Dream to Control (Dreamer)",
               "2020", "latent world model, learning in imagination", "a block reaching a target, seen as pixels"),
)


def find(name: str) -> LessonInfo:
    """Look a lesson up by module (``l01_bellman``), slug (``l01-bellman``), prefix (``l01``) or number."""
    for info in CATALOG:
        if name in (info.module, info.slug, info.module.split("_")[0], str(info.number), f"{info.number:02d}"):
            return info
    known = ", ".join(i.module for i in CATALOG)
    raise KeyError(f"unknown lesson {name!r}; known lessons are {known}")


def available() -> list[LessonInfo]:
    return [info for info in CATALOG if info.exists]
