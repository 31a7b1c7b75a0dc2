extension FarkasCertificate {
  /// Computes a certificate for an infeasible `lp` (for an integer program: its LP relaxation)
  /// from the elastic phase-one LP
  ///
  ///     minimize    Σ_i (p_i + q_i)
  ///     subject to  lo_i <= a_i·x + p_i - q_i <= hi_i     for every row i
  ///                 x in its box,  p, q >= 0
  ///
  /// (`p_i` only for rows with finite `lo_i`, `q_i` only for finite `hi_i`). It is always feasible
  /// and bounded below by 0, and its optimum is positive iff `lp` is infeasible. With GLPK's
  /// sign convention for a minimization (row dual `y_i >= 0` when the row is active at `lo_i`,
  /// `<= 0` at `hi_i`, reduced cost `d_j = c_j - (Aᵀy)_j`), the dual objective equals
  /// `L(y) - U(y)` of `verify(against:)`, so by strong duality the row duals `y` of the elastic
  /// LP are a certificate whose gap is the elastic optimum. Its multipliers satisfy `|y_i| <= 1`.
  ///
  /// Multipliers below `negligibleRelativeMagnitude` of the largest, or with a sign that points
  /// at an infinite row bound (dual-feasibility noise), are set to exactly 0. Returns `nil` if the
  /// result does not verify with a positive gap (for example when the relaxation is feasible),
  /// after one retry with the primal simplex and a dual feasibility tolerance of 1e-12.
  ///
  /// The elastic LP is always solved in floating point (dual simplex), also for `.exact`:
  /// `glp_exact` replaces each input double by a nearby simple rational (relative error up to
  /// 1e-9), so its duals are exact for slightly different data and can fail `verify(against:)`
  /// on the caller's doubles, while the floating duals verify in practice.
  static func elastic(
    for lp: LinearProgram, method: SimplexOptions.Method = .dual, limits: SolverLimits
  ) throws(LPFailure) -> FarkasCertificate? {
    var elastic = LinearProgram(direction: .minimize)
    elastic.variables.reserveCapacity(lp.variables.count + 2 * lp.constraints.count)
    for variable in lp.variables {
      elastic.variables.append(.init(name: variable.name, bounds: variable.bounds))
    }
    elastic.constraints.reserveCapacity(lp.constraints.count)
    for row in lp.constraints {
      var terms = row.terms
      if row.bounds.lowerValue.isFinite {
        terms.append(.init(elastic.addVariable("", bounds: .lower(0), objective: 1), 1))
      }
      if row.bounds.upperValue.isFinite {
        terms.append(.init(elastic.addVariable("", bounds: .lower(0), objective: 1), -1))
      }
      elastic.constraints.append(.init(name: row.name, terms: terms, bounds: row.bounds))
    }
    let model = try GLPKModel(validating: elastic)
    // At the edge of feasibility the floating elastic optimum can be ~0 and its duals useless;
    // when the caller asked for the exact simplex, the elastic program is solved exactly too.
    let outcome = try solveContinuous(model, method: method == .exact ? .exact : .dual, presolve: false, limits: limits)
    if case .optimal(let solution) = outcome, let certificate = cleaned(solution.rowDuals, for: lp) {
      return certificate
    }
    // GLPK accepts reduced costs of the wrong sign up to tol_dj = 1e-7; one pointing at an
    // infinite bound makes U(y) infinite. Retry once with a much tighter dual tolerance.
    let strict = try solveContinuous(
      model, method: .primal, presolve: false, limits: limits, dualTolerance: 1e-12)
    guard case .optimal(let solution) = strict else { return nil }
    return cleaned(solution.rowDuals, for: lp)
  }

  /// Zeroes negligible multipliers and those pointing at an infinite row bound; returns the
  /// certificate if it verifies with a positive gap.
  static func cleaned(_ duals: [Double], for lp: LinearProgram) -> FarkasCertificate? {
    var y = duals
    let scale = y.reduce(0) { max($0, abs($1)) }
    let threshold = negligibleRelativeMagnitude * scale
    for (i, row) in lp.constraints.enumerated() {
      if abs(y[i]) <= threshold
        || (y[i] > 0 && !row.bounds.lowerValue.isFinite)
        || (y[i] < 0 && !row.bounds.upperValue.isFinite)
      {
        y[i] = 0
      }
    }
    let certificate = FarkasCertificate(rowMultipliers: y)
    return certificate.verify(against: lp) > 0 ? certificate : nil
  }
}
