/// An independent check, computed in Swift, that a continuous LP solution is optimal.
///
/// Sign convention (GLPK's, used by `LPSolution.rowDuals` and `reducedCosts`): with row duals
/// `y` and reduced costs `d = c - Aᵀy`, the objective can be written
/// `c·x + c0 = c0 + Σ_j d_j x_j + Σ_i y_i (a_i·x)`. A multiplier "points at" a bound:
///
/// | direction | `y_i > 0` / `d_j > 0` | `y_i < 0` / `d_j < 0` |
/// |---|---|---|
/// | minimize | lower bound | upper bound |
/// | maximize | upper bound | lower bound |
///
/// (for a minimization, raising an active lower bound raises the optimum). The dual objective is
/// `D = c0 + Σ_i y_i b_i + Σ_j d_j β_j`, where `b_i` / `β_j` is the bound the multiplier points
/// at (multipliers that are exactly 0 contribute 0; one pointing at an infinite bound is a dual
/// violation). For every feasible `x`, `c·x + c0 >= D`
/// (minimize) or `<= D` (maximize) as long as no multiplier points at an infinite bound; primal
/// feasibility, dual feasibility and a zero gap together prove optimality.
public struct OptimalityCheck: Sendable, Equatable {
  /// `lp.maximumViolation(at: solution.values)`: the largest bound or row violation.
  public var primalViolation: Double
  /// The largest `|y_i|` or `|d_j|` (with `d = c - Aᵀy` recomputed from the duals) that points
  /// at a bound which is infinite or not active at the solution (further than the active
  /// tolerance from the value). Combines dual feasibility and complementary slackness.
  public var dualViolation: Double
  /// `|P - D|` with `P = lp.objectiveValue(at: solution.values)` and `D` the dual objective
  /// above. A multiplier that points at an infinite bound (for example rounding noise in
  /// `c - Aᵀy`) contributes nothing to `D` and counts in `dualViolation` instead.
  public var dualityGap: Double
  /// `max_j |solution.reducedCosts[j] - (c - Aᵀy)_j|`: consistency of GLPK's reduced costs with
  /// its row duals.
  public var reducedCostMismatch: Double
  /// `|solution.objective - P|`: consistency of the reported objective with the values.
  public var objectiveMismatch: Double

  /// Creates a check from its measures (normally produced by `verifyOptimality(of:for:)`).
  public init(
    primalViolation: Double, dualViolation: Double, dualityGap: Double,
    reducedCostMismatch: Double, objectiveMismatch: Double
  ) {
    self.primalViolation = primalViolation
    self.dualViolation = dualViolation
    self.dualityGap = dualityGap
    self.reducedCostMismatch = reducedCostMismatch
    self.objectiveMismatch = objectiveMismatch
  }

  /// Whether every measure is at most `tolerance`; the gap and objective mismatch are compared
  /// relative to `1 + |objective|`. NaN measures (integer solutions) fail.
  public func isOptimal(tolerance: Double, objective: Double = 0) -> Bool {
    let scaled = tolerance * (1 + abs(objective))
    return primalViolation <= tolerance && dualViolation <= tolerance
      && reducedCostMismatch <= tolerance && dualityGap <= scaled && objectiveMismatch <= scaled
  }
}

/// Checks in Swift, independently of GLPK, that `solution` is an optimal solution of the
/// continuous program `lp`: primal feasibility, dual feasibility with complementary slackness,
/// and a zero duality gap (see `OptimalityCheck` for the sign conventions for minimize and
/// maximize).
///
/// A bound counts as active when the value is within `activeTolerance · (1 + |bound|)` of it.
/// Integer solutions carry no duals: their dual measures are NaN (as when the numbers of duals or
/// reduced costs do not match the rows and variables). If the number of values does not match
/// the variables, or a term's variable index is out of range, `primalViolation` is `infinity` and
/// every other measure NaN; this function never traps on malformed input.
public func verifyOptimality(
  of solution: LPSolution, for lp: LinearProgram, activeTolerance: Double = 1e-7
) -> OptimalityCheck {
  let n = lp.variables.count
  let m = lp.constraints.count
  let malformed =
    solution.values.count != n
    || lp.constraints.contains { $0.terms.contains { $0.variable < 0 || $0.variable >= n } }
  guard !malformed else {
    return OptimalityCheck(
      primalViolation: .infinity, dualViolation: .nan, dualityGap: .nan, reducedCostMismatch: .nan,
      objectiveMismatch: .nan)
  }
  let x = solution.values
  let primal = lp.objectiveValue(at: x)
  let primalViolation = lp.maximumViolation(at: x)
  let objectiveMismatch = abs(solution.objective - primal)
  guard solution.rowDuals.count == m, solution.reducedCosts.count == n else {
    return OptimalityCheck(
      primalViolation: primalViolation, dualViolation: .nan, dualityGap: .nan,
      reducedCostMismatch: .nan, objectiveMismatch: objectiveMismatch)
  }
  let sign: Double = lp.direction == .minimize ? 1 : -1
  var dual = lp.objectiveConstant
  var dualViolation = 0.0

  // Adds multiplier `mu` on a quantity with value `v` and `bounds` to the dual objective.
  func account(_ mu: Double, value v: Double, _ bounds: LinearProgram.Bounds) {
    if mu == 0 { return }
    let bound = sign * mu > 0 ? bounds.lowerValue : bounds.upperValue
    guard bound.isFinite else {
      dualViolation = max(dualViolation, abs(mu))
      return
    }
    dual += mu * bound
    if abs(v - bound) > activeTolerance * (1 + abs(bound)) {
      dualViolation = max(dualViolation, abs(mu))
    }
  }

  var d = lp.variables.map(\.objective)  // d = c - Aᵀy
  for (i, row) in lp.constraints.enumerated() {
    let yi = solution.rowDuals[i]
    account(yi, value: row.activity(at: x), row.bounds)
    for term in row.terms { d[term.variable] -= yi * term.coefficient }
  }
  var reducedCostMismatch = 0.0
  for (j, variable) in lp.variables.enumerated() {
    account(d[j], value: x[j], variable.bounds)
    reducedCostMismatch = max(reducedCostMismatch, abs(d[j] - solution.reducedCosts[j]))
  }
  return OptimalityCheck(
    primalViolation: primalViolation, dualViolation: dualViolation,
    dualityGap: abs(primal - dual),
    reducedCostMismatch: reducedCostMismatch, objectiveMismatch: objectiveMismatch)
}
