public import FairnessStatistics

/// R5b: the exact least and most mass for zero (eps) statistical parity when the metric has a
/// single independent row: two groups, and either two classes or a favorable class.
///
/// With two groups the SP entries are `e_yh(x) = r_0(yh) - r_1(yh)`. With a favorable class `c`
/// only `e_c` is constrained; with two classes `e_0 = -e_1` (each group's prediction law sums to
/// one), so `|e_0| <= eps` is `|e_1| <= eps`. Either way the program is
///
///     min (max) Σ x   subject to   -eps <= c + g·x <= eps,   0 <= x <= cap,
///
/// one linear row over a box: a continuous knapsack. *Least mass.* If `|c| <= eps`, `x = 0`.
/// Otherwise the entry must move by `d = |c| - eps` towards zero; a unit of mass in variable `i`
/// moves it by `|g_i|` when `g_i` has the opposite sign of `c` (and away otherwise), so the least
/// mass fills those variables in decreasing order of `|g_i|` until `d` is covered: any feasible `x`
/// moves the entry by `Σ_i |g_i| x_i <= d` only if it spends at least as much mass as the greedy
/// (exchange argument: moving mass to a variable with larger `|g_i|` never costs more). If even
/// all of them at their caps cannot cover `d`, no `x` can: the Farkas multiplier `-sign(c)` on the
/// entry has gap `L - U = d - Σ_{i: sign g_i = -sign c} |g_i| cap_i > 0`, checked by
/// `MemorizationProgram.farkasGap(entries:multipliers:)`. *Most mass.* The same argument from
/// `x = cap`: the entry `c + g·cap` is brought back into `[-eps, eps]` by lowering the variables
/// whose `g_i` has the sign of the excess, largest `|g_i|` first (least mass given up).
///
/// Not a general LP method: it applies to exactly one row. `MemorizationAnalysis` uses it only on
/// `AnswerRoute.closedFormWhereExact`, re-checks both witnesses with R0 (`MixtureRule`), and falls
/// back to GLPK when a check fails; `ClosedFormRouteTests` compares it with GLPK on seeded random
/// instances.
struct SingleRowParity {
  /// The one constrained entry (groups 0 and 1; the favorable class, or the last class of two).
  let entry: MetricEntry
  let form: AffineForm<Double>
  let cap: [[Double]]
  let tolerance: Double

  /// nil unless the SP program has a single independent row.
  init?(_ statistics: PopulationStatistics<Double>, options: MetricOptions) {
    guard statistics.groupCount == 2, options.favorableClass != nil || statistics.classCount == 2 else { return nil }
    let predicted = options.favorableClass ?? 1
    entry = MetricEntry(
      metric: .statisticalParity, rate: RateKey(trueClass: nil, predictedClass: predicted), first: 0, second: 1)
    form = statistics.entryForm(entry)
    cap = statistics.cap
    tolerance = options.tolerance
  }

  /// A memorization `x[a][y]` and its mass.
  struct Point {
    var mass: Double
    var x: [[Double]]
  }

  /// Moves the entry from its value at `start` into `[-eps, eps]` by changing one variable at a
  /// time by the least mass: up from 0 (`raising`) or down from the cap. nil when the movable
  /// variables cannot cover the distance.
  private func greedy(raising: Bool) -> Point? {
    var x = raising ? cap.map { $0.map { _ in 0.0 } } : cap
    let value = form.value(at: x)
    guard abs(value) > tolerance else { return Point(mass: x.joined().reduce(0, +), x: x) }
    var remaining = abs(value) - tolerance
    let lowering = value > 0
    // A term moves the entry towards zero when raising it lowers the entry (g < 0 while lowering),
    // or when lowering it does (g > 0 while lowering), and symmetrically.
    let movable = form.terms.filter { term in
      cap[term.group][term.trueClass] > 0 && term.coefficient != 0
        && ((term.coefficient < 0) == (raising == lowering))
    }.sorted { abs($0.coefficient) > abs($1.coefficient) }
    for term in movable where remaining > 0 {
      let room = cap[term.group][term.trueClass]
      let step = min(room, remaining / abs(term.coefficient))
      x[term.group][term.trueClass] += raising ? step : -step
      remaining -= step * abs(term.coefficient)
      if step < room { remaining = 0 }
    }
    guard remaining <= 0 else { return nil }
    return Point(mass: x.joined().reduce(0, +), x: x)
  }

  /// The least-mass memorization, nil when zero (eps) parity is out of reach.
  func leastMass() -> Point? { greedy(raising: true) }

  /// The most-mass memorization (exists whenever `leastMass()` does).
  func mostMass() -> Point? { greedy(raising: false) }

  /// The Farkas multiplier that proves infeasibility when `leastMass()` is nil: the entry must
  /// go down (`c > eps`) and cannot, so multiplier -1; up, +1.
  var infeasibilityMultiplier: Double { form.constant > 0 ? -1 : 1 }
}
