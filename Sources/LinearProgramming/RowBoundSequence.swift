internal import CGLPK

/// Solves `lp` once for each entry of `bounds`, with the bounds of row `row` replaced by that
/// entry, on one GLPK problem: after the first solve each one starts the dual simplex from the
/// previous optimal basis, which stays dual feasible when only a right-hand side moves, so it
/// usually needs a few pivots instead of a solve from scratch. A parametric sweep of one bound
/// (the budgets of the mass-vs-bias frontier) costs about one solve plus a little per point.
///
/// Each outcome is what `solve(_:options:)` with the dual simplex without presolve and without
/// certificates returns for the modified program (`.infeasible` carries no certificate). The
/// optimal value is the same as a cold solve's; when the optimum is not unique the solution
/// may be a different optimal vertex.
///
/// - Precondition: `lp` has no integer variable.
/// - Throws: `LPFailure.invalidModel` for a bad model, row index or bound; otherwise as `solve`.
public func solve(
  _ lp: LinearProgram, varyingRow row: Int, over bounds: [LinearProgram.Bounds]
) throws(LPFailure) -> [LPOutcome] {
  guard lp.constraints.indices.contains(row) else {
    throw .invalidModel("row \(row) does not exist (the program has \(lp.constraints.count) rows)")
  }
  var model = lp
  var glpkBounds: [GLPKBound] = []
  for (k, b) in bounds.enumerated() {
    glpkBounds.append(try glpkBound(b, of: "bound \(k) of row \(row)"))
  }
  guard let first = bounds.first else { return [] }
  model.constraints[row].bounds = first
  let glpkModel = try GLPKModel(validating: model)
  precondition(!glpkModel.isInteger, "bound sequences are for continuous programs")
  if lp.variables.isEmpty {
    return try bounds.map { b throws(LPFailure) in
      model.constraints[row].bounds = b
      return try solve(model, options: SimplexOptions(wantsCertificate: false))
    }
  }
  try glpkModel.checkTriplets()
  let previousTerminalState = glp_term_out(GLP_OFF)
  defer { glp_term_out(previousTerminalState) }
  let limits = try SolverLimits(SimplexOptions())
  let problem = GLPKProblem(glpkModel)
  var outcomes: [LPOutcome] = []
  outcomes.reserveCapacity(bounds.count)
  for b in glpkBounds {
    problem.setRowBounds(row, b)
    var parm = simplexParameters(.dual, presolve: false, limits: limits)
    switch try outcome(of: runSimplex(problem, &parm), problem, glpkModel, limits: limits) {
    case .optimal(let solution): outcomes.append(.optimal(solution))
    case .unbounded: outcomes.append(.unbounded)
    case .infeasible, .integerInfeasible: outcomes.append(.infeasible(nil))
    }
  }
  return outcomes
}
