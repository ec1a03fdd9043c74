"""Guided lessons: a title, the story it tells, the link that shows it, and the quantity
(evidence.QUANTITIES) the lesson box draws beside the text so the story is on the first screen.

tests/test_lessons.py checks each lesson's claim on the series the lesson box draws.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """Curves drawn dashed beside a lesson's own, for the comparison its text makes: the same
    quantity of the racers ``racers`` under the lesson's settings with ``change`` applied (query
    pairs that replace the lesson's own), each labelled with the racer's name and ``suffix``."""

    change: str
    racers: tuple[int, ...]
    suffix: str


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    text: str
    query: str
    # a key of evidence.QUANTITIES: what the text is about, drawn for every racer; None where the
    # view the lesson opens is the evidence itself (a map)
    evidence: str | None
    reference: Reference | None = None


LESSONS = (
    Lesson("ravine", "Gradient descent zig-zags in a ravine; momentum damps it",
           "The walls are 100 times steeper than the floor, so a learning rate must stay below 2/100 for them. "
           "At 0.019 gradient descent overshoots the floor on every step and bounces from wall to wall (the "
           "chart: y, across the valley). Momentum 0.5 at the same rate adds up successive steps: the bounces "
           "cancel, the moves along the floor add up. Its zig-zag dies within ten steps, and it is within 0.1 "
           "of the minimum's x at step 84, where gradient descent needs 174.",
           "surface=ravine&opt=gd,momentum&lr.gd=0.019&lr.momentum=0.019&momentum.momentum=0.5&steps=300"
           "&start=-2.8,0.8", "across"),
    Lesson("rotation", "Turn the ravine by 45°: who cares about the axes",
           "The ravine of the first lesson, turned by φ = 45°: its steep direction is now a diagonal (dashed: "
           "the same racers on the unturned ravine, φ = 0). Gradient descent sees only the surface, not the "
           "axes: its f − f* curve is the unturned one, step for step, and hides its dashed twin. RMSProp and "
           "Adam divide each coordinate by its own gradient size: unturned, that evens out the steep and the "
           "flat direction and both reach the minimum within 300 steps (the dashed curves drop away). Turned, "
           "each coordinate mixes the two directions, the per-coordinate scaling no longer separates them, and "
           "after 300 steps both are still well above the minimum.",
           "surface=ravine&p.rotation=45&opt=gd,rmsprop,adam&lr.gd=0.019&lr.rmsprop=0.05&lr.adam=0.1&steps=300",
           "gap", Reference("p.rotation=0", (0, 1, 2), ", φ = 0")),
    Lesson("nag", "Nesterov overshoots less than momentum",
           "Both use the same learning rate and momentum 0.95. Classical momentum swings past the valley floor "
           "again and again; NAG measures the slope where it is about to land and brakes earlier.",
           "surface=ravine&opt=momentum,nag&lr.momentum=0.008&lr.nag=0.008&momentum.momentum=0.95"
           "&nag.momentum=0.95&steps=300&start=-2.8,0.8", "across"),
    Lesson("adagrad-rmsprop", "AdaGrad's step size dies, RMSProp's holds",
           "AdaGrad divides by the root of all past squared gradients, a sum that only grows, so its steps "
           "shrink for ever (the step lengths beside this text fall and keep falling). RMSProp forgets old "
           "gradients and keeps its stride.",
           "surface=rosenbrock&opt=adagrad,rmsprop&lr.adagrad=0.1&lr.rmsprop=0.01&steps=1500", "step"),
    Lesson("beale", "Adam against RMSProp and SGD on Beale",
           "Beale's gradients range over many orders of magnitude. Plain gradient descent is stuck with one "
           "step size and crawls; RMSProp and Adam normalise each coordinate and reach the minimum's "
           "neighbourhood. Near it RMSProp's steps stay too large and its f − f* jumps back up again and again; "
           "Adam's momentum averages the steps and its f − f* keeps falling.",
           "surface=beale&opt=gd,rmsprop,adam&lr.gd=0.001&lr.rmsprop=0.01&lr.adam=0.05&steps=1000&frame=paths",
           "gap"),
    Lesson("noise", "Noisy mini-batch gradients against the full batch",
           "SGD sees the true gradient plus noise, as a mini-batch would; gradient descent sees the exact "
           "gradient. From the same start the noisy path wanders around the exact one, now ahead, now beside "
           "it, never quite on it (the chart: SGD's distance from gradient descent's path).",
           "surface=rosenbrock&opt=gd,sgd&lr.gd=0.001&lr.sgd=0.001&steps=1000&frame=paths", "apart"),
    Lesson("batch", "A larger batch shrinks the noise",
           "The same noisy SGD with batch size 16: the noise has a quarter of the spread (σ/√B), and the path "
           "stays about four times closer to the full-batch one (the chart: SGD's distance from gradient "
           "descent's path; dashed, the same at batch size 1, the lesson before). Try batch sizes 1, 4, 64.",
           "surface=rosenbrock&opt=gd,sgd&lr.gd=0.001&lr.sgd=0.001&batch=16&steps=1000&frame=paths", "apart",
           Reference("batch=1", (1,), ", batch 1")),
    Lesson("minibatch", "Mini-batch noise is not a constant",
           "A line fitted to 24 points; SGD takes one point per step (batch 1, reshuffled every epoch), "
           "gradient descent all 24. Here the line fits every point exactly, so every point's gradient "
           "shrinks to zero as the line nears the fit: the noise dies with it, and SGD lands on the minimum "
           "(step 328) as surely as gradient descent (step 344). Give the data label noise 0.5 (the surface's "
           "label noise box): the points now disagree, their gradients no longer vanish at the minimum, and "
           "the same SGD keeps jittering around it (0.06 away on average over the last 100 steps).",
           "surface=linreg&opt=gd,sgd&lr.gd=0.05&lr.sgd=0.05&steps=800", "distance"),
    Lesson("lr", "Too large diverges, too small crawls",
           "On a bowl with curvature 2, gradient descent is stable only for learning rates below 1. At 1.05 each "
           "step overshoots a little more and the run diverges; at 0.0005 it is stable but crawls: in 200 "
           "steps it covers less than a fifth of the way. At 0.3 it is there in a few dozen.",
           "surface=quadratic_bowl&opt=gd,gd~2,gd~3&lr.gd=1.05&lr.gd~2=0.3&lr.gd~3=0.0005&steps=200", "gap"),
    Lesson("schedule-step", "Step decay",
           "The learning rate drops tenfold every 300 steps: big strides early, fine steps late.",
           "surface=rosenbrock&opt=momentum,adam&lr.momentum=0.002&lr.adam=0.1&schedule=step"
           "&s.step_size=300&s.gamma=0.1&steps=1000", "lr"),
    Lesson("schedule-cosine", "Cosine annealing",
           "The learning rate glides from its start value to zero along half a cosine over the run.",
           "surface=rosenbrock&opt=momentum,adam&lr.momentum=0.002&lr.adam=0.1&schedule=cosine&steps=1000", "lr"),
    Lesson("schedule-restarts", "Warm restarts",
           "Cosine cycles that restart at the full learning rate (steps 100 and 300 here): the step size jumps "
           "back up while a run is still on its way, so it can leave a narrow spot it was slowing down in. A run "
           "that has already settled stays settled: here both reach the same local minimum before step 350.",
           "surface=six_hump_camel&opt=momentum,adam&lr.momentum=0.02&lr.adam=0.1&schedule=cosine_restarts"
           "&s.t_0=100&s.t_mult=2&steps=700&start=-1.9,1.1", "lr"),
    Lesson("schedule-warmup", "Warmup, then cosine",
           "The learning rate ramps up linearly from 1 % of its value over 100 steps before the cosine decay: the "
           "first steps, taken where the gradients are largest and the optimizer's averages know least, are "
           "small ones.",
           "surface=rosenbrock&opt=momentum,adam&lr.momentum=0.002&lr.adam=0.1&schedule=warmup"
           "&s.warmup_steps=100&s.start_factor=0.01&s.then=cosine&steps=1000", "lr"),
    Lesson("newton-bowl", "Newton lands on a quadratic's minimum in one step",
           "On a quadratic the local model is exact, so one Newton step jumps straight to the minimum, however "
           "stretched the bowl: here a valley ten times steeper across than along. Gradient descent follows the "
           "steepest slope instead, bounces across the valley, then slides along its floor, and after 30 steps "
           "it is still 5·10⁻⁵ above the minimum.",
           "surface=ravine&p.condition=10&opt=gd,newton&lr.gd=0.17&lr.newton=1&steps=30", "gap"),
    Lesson("newton-saddle", "Newton walks into a saddle; saddle-free Newton escapes",
           "Newton's method looks for any point with zero gradient, so on a saddle it jumps straight onto it. "
           "Using the absolute eigenvalues |H| turns the uphill direction around and the run escapes.",
           "surface=saddle&opt=newton,newton~2,gd&lr.newton=0.5&lr.newton~2=0.5&newton~2.saddle_free=true"
           "&lr.gd=0.05&start=-1.5,0.3&steps=60", "loss"),
    Lesson("adamw", "Adam with L2 against AdamW",
           "Same weight decay λ = 0.5, two places to apply it, on Booth's bowl (minimum at (1, 3)). Adam adds "
           "λθ to the gradient: it settles exactly on the minimum of f + λ‖θ‖²/2, at (1.146, 2.746), 0.29 from "
           "f's. AdamW subtracts ηλθ outside the adaptive scaling, which keeps the gradient's pull near η per "
           "step whatever its size: the two balance elsewhere, and it ends hovering about 1.6 from f's minimum "
           "(the chart: each one's distance to it).",
           "surface=booth&opt=adam,adamw&lr.adam=0.05&lr.adamw=0.05&adam.weight_decay=0.5"
           "&adamw.weight_decay=0.5&steps=2000", "distance"),
    Lesson("plateau", "Vanishing gradients on a plateau",
           "Far from the well the gradient is almost zero: gradient descent barely moves. Adam divides by the "
           "gradient's own size and walks at about the learning rate.",
           "surface=plateau&opt=gd,adam&lr.gd=0.1&lr.adam=0.05&steps=300", "step"),
    Lesson("basins", "Four minima, four basins: momentum blurs the borders",
           "The map colours every start point by the minimum its run reaches (Himmelblau has four). Gradient "
           "descent at lr 0.01 rolls to the nearest minimum from 98 % of the starts: four solid basins. Now pick "
           "Momentum (0.9, same rate) in the racer box: the speed it gathers carries runs over the ridges, and "
           "from about 30 % of the starts it ends in a minimum that is not the nearest one. The basins break "
           "into interleaved bands. Click any cell to race that start.",
           "surface=himmelblau&opt=gd,momentum&lr.gd=0.01&lr.momentum=0.01&momentum.momentum=0.9&steps=500"
           "&view=maps", None),
    Lesson("conventions-momentum", "Conventions: one momentum, two bookkeepings",
           "PyTorch keeps the velocity in gradient units and multiplies it by the learning rate at every step "
           "(v = μv + g, θ ← θ − ηv); the classical form folds the learning rate into the velocity "
           "(v = μv + ηg, θ ← θ − v). While the learning rate is constant the two trace the same points. Here "
           "it drops tenfold at step 100: PyTorch's form slows down at once, the classical form coasts on the "
           "speed it gathered before the drop, and from then on the paths part.",
           "surface=rosenbrock&opt=momentum,momentum~2&lr.momentum=0.002&lr.momentum~2=0.002"
           "&momentum~2.form=classical&schedule=step&s.step_size=100&s.gamma=0.1&steps=300&start=-1.2,1", "step"),
    Lesson("conventions-eps", "Conventions: ε inside or outside the root",
           "PyTorch divides by √s + ε; TensorFlow 1 and many papers divide by √(s + ε). For a tiny ε the two "
           "agree, but ε is a setting, and the same number means different things: with ε = 1, √(s + 1) is "
           "always smaller than √s + 1, so the run with ε inside the root takes larger steps: both drop to the "
           "floor of the ravine, and along the floor it ends more than six times closer in f − f*.",
           "surface=ravine&opt=rmsprop,rmsprop~2&lr.rmsprop=0.01&lr.rmsprop~2=0.01&rmsprop.eps=1"
           "&rmsprop~2.eps=1&rmsprop~2.eps_inside_sqrt=true&steps=400", "gap"),
    Lesson("conventions-nag", "Conventions: Nesterov, look-ahead or PyTorch",
           "Sutskever's Nesterov momentum takes the gradient at the look-ahead point θ − μv. PyTorch's "
           "SGD(nesterov=True) rewrites the same algorithm in shifted variables so that it only ever needs the "
           "gradient at its own parameters. The two paths on the map differ, yet they are one algorithm: every "
           "point of the PyTorch path is a look-ahead point θ − μv of the other, so the distance between them "
           "(the chart) is μ times the velocity: largest in the first steps, where the run is fastest.",
           "surface=ravine&opt=nag,nag~2&lr.nag=0.008&lr.nag~2=0.008&nag.momentum=0.95&nag~2.momentum=0.95"
           "&nag~2.form=pytorch&steps=60&start=-2.8,0.8&frame=paths", "apart"),
)  # fmt: skip
LESSON_BY_ID = {lesson.id: lesson for lesson in LESSONS}
