internal import CGLPK

/// Solves a program with many rows by row generation (a cutting-plane loop): solve `lp`, ask
/// `separate` for rows of the full program that the solution violates, append them, re-solve,
/// and stop when `separate` returns none.
///
/// Every round's program is a relaxation of the full program (its rows are a subset of the
/// full program's), so an infeasible round proves the full program infeasible, and an optimal
/// solution that violates no row of the full program is optimal for it: the answer is the full
/// program's (up to GLPK's tolerances; `separate` decides how large a violation counts). All
/// rounds run on one GLPK problem: appended rows are basic, so the previous optimal basis stays
/// a dual feasible basis and the dual simplex continues from it with a few pivots instead of a
/// solve from scratch. `separate` must never return a row already present (or the loop would
/// not end); returning only violated rows guarantees this up to GLPK's feasibility tolerance,
/// so callers should also skip rows they already added.
///
/// Programs with integer variables or without variables are solved cold each round.
///
/// - Parameters:
///   - lp: the starting rows (and all variables); should be bounded on its own, because an
///     unbounded round is reported as `.unbounded` for the relaxation.
///   - options: `.primal` or `.dual` (`.exact` is run as `.dual`), no presolve (ignored, it
///     would discard the basis), `iterationLimit`/`timeLimit` per round; `wantsCertificate`
///     attaches a Farkas certificate (elastic LP) for the last round's program, which is also
///     returned.
///   - separate: the rows to append given the current solution's values.
/// - Returns: the outcome and the last round's program (the starting rows plus every appended
///   row, in order), against which a certificate is checked.
/// - Throws: `LPFailure.invalidModel` for a bad starting or appended row, otherwise as `solve`.
public func solveWithRowGeneration(
  _ lp: LinearProgram, options: SimplexOptions = .init(),
  separate: ([Double]) -> [LinearProgram.Constraint]
) throws(LPFailure) -> (outcome: LPOutcome, program: LinearProgram) {
  var program = lp
  var model = try GLPKModel(validating: program)
  // Without rows (GLPK then holds an auxiliary row) or variables, or with integer variables,
  // rounds are solved cold until the program has rows to warm-start from.
  while model.isInteger || program.variables.isEmpty || program.constraints.isEmpty {
    let outcome = try solve(program, options: options)
    guard case .optimal(let solution) = outcome else { return (outcome, program) }
    let rows = separate(solution.values)
    if rows.isEmpty { return (outcome, program) }
    program.constraints += rows
    model = try GLPKModel(validating: program)
  }
  let limits = try SolverLimits(options)
  let raw = try solveInRounds(model, method: options.method == .primal ? .primal : .dual, limits: limits) {
    (solution, problem) throws(LPFailure) in
    let rows = separate(solution.values)
    if rows.isEmpty { return nil }
    program.constraints += rows
    let grown = try GLPKModel(validating: program)
    try grown.checkTriplets()
    problem.appendRows(rows.count, of: grown)
    return grown
  }
  switch raw {
  case .optimal(let solution): return (.optimal(solution), program)
  case .unbounded: return (.unbounded, program)
  case .infeasible, .integerInfeasible:
    guard options.wantsCertificate else { return (.infeasible(nil), program) }
    return (.infeasible(try? FarkasCertificate.elastic(for: program, limits: limits)), program)
  }
}
