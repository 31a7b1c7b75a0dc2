internal import CGLPK

/// Solves a linear or mixed-integer program with GLPK.
///
/// * Continuous programs: `glp_simplex` (primal or dual simplex per `options.method`, with GLPK's
///   presolver if `options.presolve`), or for `.exact` a floating `glp_simplex` warm start
///   followed by `glp_exact` (rational arithmetic; `presolve` is ignored because `glp_exact` has
///   none).
/// * Programs with an `.integer` variable: `glp_simplex` on the LP relaxation, then `glp_intopt`
///   (with `options.presolve`, `glp_intopt`'s presolver solves the relaxation itself). The
///   solution carries no duals (`rowDuals` and `reducedCosts` are empty). If the relaxation is
///   unbounded the answer is `.unbounded` (integer feasibility is then not decided). `.exact` is
///   not available for integer programs and falls back to the floating dual simplex.
///
/// Infeasible and unbounded programs are answers, not errors. When the program (or an integer
/// program's LP relaxation) is infeasible and `options.wantsCertificate`, a Farkas certificate
/// is read from GLPK's dual ray when the floating simplex without presolve leaves one
/// (`FarkasCertificate.ray`), otherwise computed by an elastic phase-one LP (see
/// `FarkasCertificate`); either is attached only if
/// `FarkasCertificate.verify(against:)` confirms it with a positive gap (if the certificate LP
/// fails, for example at the iteration limit, the outcome is `.infeasible(nil)`); an integer
/// program whose relaxation is feasible has no certificate (`.infeasible(nil)`).
///
/// A program with no variables is answered without GLPK: every row activity is 0, so it is
/// optimal with objective `objectiveConstant` (and zero duals) if every row admits 0, otherwise
/// infeasible with a one-row certificate.
///
/// The program is validated in Swift before any GLPK call (GLPK aborts the process on bad
/// input); see `LPFailure.invalidModel`. GLPK's terminal output is switched off for the calling
/// thread for the duration of the call (`glp_term_out`) and restored afterwards; every GLPK
/// object is created and deleted inside this synchronous call, so concurrent calls on different
/// threads are safe.
///
/// The corresponding GLPK routines are `glp_simplex`, `glp_exact` and `glp_intopt`.
///
/// - Throws: `LPFailure.invalidModel` for a rejected model or option, otherwise the solver
///   breakdowns listed on `LPFailure`.
public func solve(
  _ lp: LinearProgram, options: SimplexOptions = .init()
) throws(LPFailure) -> LPOutcome {
  let model = try GLPKModel(validating: lp)
  let limits = try SolverLimits(options)
  if lp.variables.isEmpty {
    return solveWithoutVariables(lp, wantsCertificate: options.wantsCertificate)
  }
  try model.checkTriplets()

  let previousTerminalState = glp_term_out(GLP_OFF)
  defer { glp_term_out(previousTerminalState) }

  var ray: [Double]? = nil
  let raw: RawOutcome =
    model.isInteger
    ? try solveInteger(model, options: options, limits: limits)
    : try solveContinuous(
      model, method: options.method, presolve: options.presolve, limits: limits,
      readsRay: options.wantsCertificate, ray: &ray)

  return try answer(raw, for: lp, options: options, limits: limits, ray: ray)
}

/// The public outcome of a solver run: an infeasible program gets its certificate (from the dual
/// ray when it verifies, else the elastic LP) when `options.wantsCertificate`.
private func answer(
  _ raw: RawOutcome, for lp: LinearProgram, options: SimplexOptions, limits: SolverLimits, ray: [Double]?
) throws(LPFailure) -> LPOutcome {
  switch raw {
  case .optimal(let solution): return .optimal(solution)
  case .unbounded: return .unbounded
  case .infeasible, .integerInfeasible(relaxationFeasible: false):
    guard options.wantsCertificate else { return .infeasible(nil) }
    if let ray, let certificate = FarkasCertificate.ray(ray, for: lp) { return .infeasible(certificate) }
    // Infeasibility is established; a failure of the extra LP (for example the iteration
    // limit) only costs the certificate.
    return .infeasible(try? FarkasCertificate.elastic(for: lp, method: options.method, limits: limits))
  case .integerInfeasible(relaxationFeasible: true):
    return .infeasible(nil)
  }
}

/// Answers a program with no variables: all row activities are 0.
private func solveWithoutVariables(_ lp: LinearProgram, wantsCertificate: Bool) -> LPOutcome {
  let m = lp.constraints.count
  for (i, row) in lp.constraints.enumerated() {
    let lo = row.bounds.lowerValue
    let hi = row.bounds.upperValue
    guard lo > 0 || hi < 0 else { continue }
    guard wantsCertificate else { return .infeasible(nil) }
    // y = e_i (or -e_i): L(y) = lo_i > 0 (or -hi_i > 0) and U(y) = 0.
    var y = [Double](repeating: 0, count: m)
    y[i] = lo > 0 ? 1 : -1
    return .infeasible(FarkasCertificate(rowMultipliers: y))
  }
  let zeros = [Double](repeating: 0, count: m)
  return .optimal(
    LPSolution(
      objective: lp.objectiveConstant, values: [], rowActivities: zeros, rowDuals: zeros,
      reducedCosts: []))
}
