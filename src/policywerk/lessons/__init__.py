"""The seven lessons, one landmark paper each. Each lesson is a module in percent format: run it with
``python -m policywerk.lessons.<module>``, open it as a notebook, or read it as its page on the site."""

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Concept:
    slug: str  # the page's name under docs/concepts/
    title: str


CONCEPTS = (
    Concept("mdp", "Markov decision processes"),
    Concept("returns", "Returns and discounting"),
    Concept("value-functions", "Value functions"),
    Concept("policies", "Policies"),
    Concept("exploration", "Exploration and exploitation"),
    Concept("bootstrapping", "Bootstrapping"),
    Concept("credit-assignment", "Credit assignment and eligibility traces"),
    Concept("function-approximation", "Function approximation"),
    Concept("backpropagation", "Backpropagation"),
    Concept("policy-gradients", "Policy gradients"),
    Concept("world-models", "World models"),
)


@dataclass(frozen=True)
class Reference:
    """A paper as BibTeX records it (each lesson's page shows its paper's entry under the citation)."""
    kind: str  # the entry type: article, phdthesis, inproceedings, misc
    key: str
    authors: tuple[str, ...]  # each "Family, Given"
    title: str  # braces keep a word's capitals: "A {Markovian} Decision Process"
    year: str
    fields: tuple[tuple[str, str], ...] = ()  # the others, in order: journal, volume, pages, doi, ...
    arxiv: str = ""  # its number on arXiv, if it is there: "1707.06347"


@dataclass(frozen=True)
class LessonInfo:
    number: int
    module: str  # file name under policywerk/lessons, without .py
    title: str
    paper: str
    year: str
    mechanism: str
    world: str
    citation: str = ""  # the paper's full reference
    references: tuple[Reference, ...] = ()  # the same, as BibTeX entries
    url: str = ""  # where to read it
    simplifies: str = ""  # what the lesson simplifies relative to the paper, in a sentence or three
    concepts: tuple[str, ...] = ()  # slugs of the concepts it uses
    source: Path | None = None  # only for lessons kept outside the package (the runner's tests)
    seconds: float = 0.0  # about how long its full setting runs on one core here: orders a first, cold build

    @property
    def path(self) -> Path:
        return self.source if self.source is not None else HERE / f"{self.module}.py"

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def authors(self) -> str:
        """The paper's authors as the catalog names them: ``Barto, Sutton & Anderson``, ``Mnih et al.``."""
        return self.paper.rsplit(", ", 1)[0]

    @property
    def slug(self) -> str:
        """The page's name: ``l01-bellman`` for module ``l01_bellman``."""
        return self.module.replace("_", "-")


BASICS = ("mdp", "returns", "value-functions")

CATALOG = (
    LessonInfo(1, "l01_bellman", "Bellman's value iteration", "Bellman, A Markovian Decision Process", "1957",
               "value iteration, policy iteration (known model)", "5x5 gridworld with goal, pit, wall",
               citation="Richard Bellman (1957). A Markovian Decision Process. Journal of Mathematics and "
                        "Mechanics 6(5), 679-684.",
               references=(Reference("article", "bellman1957markovian", ("Bellman, Richard",),
                                     "A {Markovian} Decision Process", "1957",
                                     (("journal", "Journal of Mathematics and Mechanics"), ("volume", "6"),
                                      ("number", "5"), ("pages", "679--684"),
                                      ("url", "https://www.jstor.org/stable/24900506"))),),
               url="https://www.jstor.org/stable/24900506",
               simplifies="Nothing in the method: value iteration and policy iteration are run exactly, to a "
                          "tolerance of one in a million. The world is a 5 x 5 grid, small enough to print every "
                          "value; policy iteration is Howard's (1960), added beside Bellman's sweeps.",
               concepts=(*BASICS, "policies", "bootstrapping", "world-models"),
               seconds=5),
    LessonInfo(2, "l02_actor_critic", "An actor and a critic balance a pole",
               "Barto, Sutton & Anderson, Neuronlike Adaptive Elements", "1983",
               "actor (ASE) and critic (ACE), eligibility traces", "cart-pole, discretised into boxes",
               citation="Andrew G. Barto, Richard S. Sutton and Charles W. Anderson (1983). Neuronlike Adaptive "
                        "Elements That Can Solve Difficult Learning Control Problems. IEEE Transactions on "
                        "Systems, Man, and Cybernetics SMC-13(5), 834-846.",
               references=(Reference("article", "barto1983neuronlike",
                                     ("Barto, Andrew G.", "Sutton, Richard S.", "Anderson, Charles W."),
                                     "Neuronlike Adaptive Elements That Can Solve Difficult Learning Control "
                                     "Problems", "1983",
                                     (("journal", "IEEE Transactions on Systems, Man, and Cybernetics"),
                                      ("volume", "SMC-13"), ("number", "5"), ("pages", "834--846"),
                                      ("doi", "10.1109/TSMC.1983.6313077"))),),
               url="https://doi.org/10.1109/TSMC.1983.6313077",
               simplifies="Little: the physics with friction, the 162 boxes, the action rule and the parameters "
                          "are the paper's; a run lasts as in Sutton and Anderson's program pole.c (100 failures "
                          "or a 100,000-step trial). 40 seeded learners, their rate of success with its interval; "
                          "the differences from the paper and pole.c are tabled at the end of the page.",
               concepts=(*BASICS, "policies", "exploration", "bootstrapping", "credit-assignment",
                         "policy-gradients"),
               seconds=187),
    LessonInfo(3, "l03_td_learning", "Temporal-difference learning",
               "Sutton, Learning to Predict by the Methods of Temporal Differences", "1988",
               "TD(0), TD(λ) vs Monte Carlo", "five-state random walk",
               citation="Richard S. Sutton (1988). Learning to Predict by the Methods of Temporal Differences. "
                        "Machine Learning 3(1), 9-44.",
               references=(Reference("article", "sutton1988learning", ("Sutton, Richard S.",),
                                     "Learning to Predict by the Methods of Temporal Differences", "1988",
                                     (("journal", "Machine Learning"), ("volume", "3"), ("number", "1"),
                                      ("pages", "9--44"), ("doi", "10.1007/BF00115009"))),),
               url="https://doi.org/10.1007/BF00115009",
               simplifies="The random walk and both experiments are the paper's; the errors of the first come out "
                          "lower than in the paper's figure, while the ordering, the paper's result, is the same. "
                          "Sutton & Barto's later TD(0) against Monte Carlo examples are added.",
               concepts=(*BASICS, "bootstrapping", "credit-assignment"),
               seconds=15),
    LessonInfo(4, "l04_q_learning", "Q-learning and SARSA on the cliff", "Watkins, Learning from Delayed Rewards",
               "1989", "Q-learning vs SARSA (off- vs on-policy)", "4x12 cliff world",
               citation="Christopher J. C. H. Watkins (1989). Learning from Delayed Rewards. PhD thesis, "
                        "University of Cambridge.",
               references=(Reference("phdthesis", "watkins1989learning", ("Watkins, Christopher J. C. H.",),
                                     "Learning from Delayed Rewards", "1989",
                                     (("school", "University of Cambridge"),
                                      ("url", "http://www.cs.rhul.ac.uk/~chrisw/thesis.html"))),),
               url="http://www.cs.rhul.ac.uk/~chrisw/thesis.html",
               simplifies="The world and the settings are Sutton & Barto's cliff (Example 6.6), not the thesis's; "
                          "the update rules are exactly Q-learning's and SARSA's, though Q-learning chooses its "
                          "next action before its update rather than after (measured on the page: no difference "
                          "beyond the noise).",
               concepts=(*BASICS, "policies", "exploration", "bootstrapping"),
               seconds=20),
    LessonInfo(5, "l05_dqn", "Deep Q-networks", "Mnih et al., Human-level control through deep RL", "2013/2015",
               "neural Q-function, experience replay, target network", "a small pixel game",
               citation="Volodymyr Mnih et al. (2015). Human-level control through deep reinforcement learning. "
                        "Nature 518, 529-533; and (2013) Playing Atari with Deep Reinforcement Learning, "
                        "arXiv:1312.5602.",
               references=(
                   Reference("article", "mnih2015human",
                             ("Mnih, Volodymyr", "Kavukcuoglu, Koray", "Silver, David", "Rusu, Andrei A.",
                              "Veness, Joel", "Bellemare, Marc G.", "Graves, Alex", "Riedmiller, Martin",
                              "Fidjeland, Andreas K.", "Ostrovski, Georg", "Petersen, Stig", "Beattie, Charles",
                              "Sadik, Amir", "Antonoglou, Ioannis", "King, Helen", "Kumaran, Dharshan",
                              "Wierstra, Daan", "Legg, Shane", "Hassabis, Demis"),
                             "Human-level control through deep reinforcement learning", "2015",
                             (("journal", "Nature"), ("volume", "518"), ("number", "7540"), ("pages", "529--533"),
                              ("doi", "10.1038/nature14236"))),
                   Reference("misc", "mnih2013playing",
                             ("Mnih, Volodymyr", "Kavukcuoglu, Koray", "Silver, David", "Graves, Alex",
                              "Antonoglou, Ioannis", "Wierstra, Daan", "Riedmiller, Martin"),
                             "Playing {Atari} with Deep Reinforcement Learning", "2013", arxiv="1312.5602")),
               url="https://doi.org/10.1038/nature14236",
               simplifies="An 8 x 10 binary Breakout instead of Atari, one dense layer of 32 units instead of "
                          "convolutions, and every budget scaled down to match (the table at the end of the page).",
               concepts=(*BASICS, "policies", "exploration", "bootstrapping", "function-approximation",
                         "backpropagation"),
               seconds=233),
    LessonInfo(6, "l06_ppo", "Proximal policy optimisation", "Schulman et al., Proximal Policy Optimization",
               "2017", "Gaussian policy, GAE, clipped surrogate", "continuous-force balance",
               citation="John Schulman, Filip Wolski, Prafulla Dhariwal, Alec Radford and Oleg Klimov (2017). "
                        "Proximal Policy Optimization Algorithms. arXiv:1707.06347.",
               references=(Reference("misc", "schulman2017proximal",
                                     ("Schulman, John", "Wolski, Filip", "Dhariwal, Prafulla", "Radford, Alec",
                                      "Klimov, Oleg"),
                                     "Proximal Policy Optimization Algorithms", "2017", arxiv="1707.06347"),),
               url="https://arxiv.org/abs/1707.06347",
               simplifies="Lesson 02's cart-pole with a continuous force instead of simulated robots, networks of 16 "
                          "units instead of 64, and 40,960 steps per run (the table at the end of the page).",
               concepts=(*BASICS, "policies", "exploration", "bootstrapping", "credit-assignment",
                         "function-approximation", "backpropagation", "policy-gradients"),
               seconds=95),
    LessonInfo(7, "l07_world_model", "Learning in imagination", "Hafner et al., Dream to Control (Dreamer)",
               "2020", "latent world model, learning in imagination", "a block reaching a target, seen as pixels",
               citation="Danijar Hafner, Timothy Lillicrap, Jimmy Ba and Mohammad Norouzi (2020). Dream to "
                        "Control: Learning Behaviors by Latent Imagination. ICLR 2020, arXiv:1912.01603.",
               references=(Reference("inproceedings", "hafner2020dream",
                                     ("Hafner, Danijar", "Lillicrap, Timothy", "Ba, Jimmy", "Norouzi, Mohammad"),
                                     "Dream to Control: Learning Behaviors by Latent Imagination", "2020",
                                     (("booktitle", "International Conference on Learning Representations "
                                                    "({ICLR})"),), arxiv="1912.01603"),),
               url="https://arxiv.org/abs/1912.01603",
               simplifies="10 x 10 binary frames and dense networks instead of 64 x 64 colour images and "
                          "convolutions, a shaped reward, and discrete actions trained as DreamerV3 trains them "
                          "(the table at the end of the page). The page trains one agent; two more training "
                          "seeds are measured separately, as the page says.",
               concepts=(*BASICS, "policies", "exploration", "bootstrapping", "credit-assignment",
                         "function-approximation", "backpropagation", "policy-gradients", "world-models"),
               seconds=98),
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


def concept(slug: str) -> Concept:
    for c in CONCEPTS:
        if c.slug == slug:
            return c
    raise KeyError(f"unknown concept {slug!r}")
