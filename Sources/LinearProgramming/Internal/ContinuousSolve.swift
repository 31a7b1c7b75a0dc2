internal import CGLPK

/// Simplex control parameters with all terminal output off (`glp_init_smcp`, `msg_lev =
/// GLP_MSG_OFF`). Set on every solve because GLPK's terminal state is per thread.
///
/// `dualTolerance` overrides `tol_dj` (GLPK's default is 1e-7: a reduced cost of the wrong sign
/// up to that size still counts as optimal).
func simplexParameters(
  _ method: SimplexOptions.Method, presolve: Bool, limits: SolverLimits,
  dualTolerance: Double? = nil
) -> glp_smcp {
  var parm = glp_smcp()
  glp_init_smcp(&parm)
  if let dualTolerance { parm.tol_dj = dualTolerance }
  parm.msg_lev = GLP_MSG_OFF
  parm.meth = method == .primal ? GLP_PRIMAL : GLP_DUALP
  parm.presolve = presolve ? GLP_ON : GLP_OFF
  parm.it_lim = limits.iterations
  parm.tm_lim = limits.milliseconds
  return parm
}

/// Runs `glp_simplex`, retrying once after `glp_scale_prob` + `glp_std_basis` when GLPK reports
/// a singular or ill-conditioned basis or a solver failure.
func runSimplex(_ problem: borrowing GLPKProblem, _ parm: inout glp_smcp) throws(LPFailure)
  -> SimplexVerdict
{
  var rc = problem.simplex(&parm)
  if isNumericalFailure(rc) {
    problem.rescaleAndResetBasis()
    rc = problem.simplex(&parm)
  }
  return try simplexVerdict(returnCode: rc)
}

/// Decides a dual infeasible program (unbounded or infeasible) with the primal simplex without
/// presolve, whose phase one settles feasibility first.
func resolveDualInfeasibility(
  _ problem: borrowing GLPKProblem, _ model: borrowing GLPKModel, limits: SolverLimits
) throws(LPFailure) -> RawOutcome {
  var parm = simplexParameters(.primal, presolve: false, limits: limits)
  problem.resetBasis()
  switch try runSimplex(problem, &parm) {
  case .infeasible: return .infeasible
  case .dualInfeasible: return .unbounded  // unreachable without presolve
  case .finished:
    if let outcome = try basicOutcome(of: problem, model) { return outcome }
    throw .notSolved(status: problem.status)
  }
}

/// Solves a continuous program (integer marks ignored by the caller's choice) with
/// `glp_simplex`, or for `.exact` with a floating `glp_simplex` warm start and `glp_exact`.
///
/// With presolve, an optimal solution is checked against the model in Swift; if it violates a
/// bound by more than `GLPKModel.presolveFeasibilityTolerance` (a GLPK presolver artefact), the
/// program is re-solved without presolve, warm-started from the postsolved basis.
func solveContinuous(
  _ model: borrowing GLPKModel, method: SimplexOptions.Method, presolve: Bool, limits: SolverLimits,
  dualTolerance: Double? = nil
) throws(LPFailure) -> RawOutcome {
  var unused: [Double]? = nil
  return try solveContinuous(
    model, method: method, presolve: presolve, limits: limits, dualTolerance: dualTolerance, readsRay: false,
    ray: &unused)
}

/// `solveContinuous`, and when `readsRay` and the floating simplex without presolve ends
/// infeasible, the row multipliers of GLPK's dual ray in `ray` (`GLPKProblem.dualRayRowMultipliers`;
/// nil when GLPK names none), for a certificate without a second LP. Unverified: see
/// `FarkasCertificate.ray`. Callers that want no certificate pass `readsRay: false` and skip the
/// tableau row.
func solveContinuous(
  _ model: borrowing GLPKModel, method: SimplexOptions.Method, presolve: Bool, limits: SolverLimits,
  dualTolerance: Double? = nil, readsRay: Bool, ray: inout [Double]?
) throws(LPFailure) -> RawOutcome {
  let problem = GLPKProblem(model)
  if method == .exact {
    // glp_exact has no presolver and starts from the current basis; a failed warm start only
    // costs the basis, so fall back to the standard one.
    var parm = simplexParameters(.dual, presolve: false, limits: limits)
    if problem.simplex(&parm) != 0 { problem.resetBasis() }
    let verdict = try simplexVerdict(returnCode: problem.exact(&parm))
    return try outcome(of: verdict, problem, model, limits: limits)
  }
  var parm = simplexParameters(
    method, presolve: presolve, limits: limits, dualTolerance: dualTolerance)
  let result = try outcome(of: runSimplex(problem, &parm), problem, model, limits: limits)
  if readsRay, !presolve, case .infeasible = result { ray = problem.dualRayRowMultipliers(model) }
  guard presolve, case .optimal(let solution) = result,
    model.maximumRelativeViolation(values: solution.values) > GLPKModel.presolveFeasibilityTolerance
  else { return result }
  parm.presolve = GLP_OFF
  return try outcome(of: runSimplex(problem, &parm), problem, model, limits: limits)
}

/// Both mapping levels after a `glp_simplex` / `glp_exact` run.
func outcome(
  of verdict: SimplexVerdict, _ problem: borrowing GLPKProblem, _ model: borrowing GLPKModel,
  limits: SolverLimits
) throws(LPFailure) -> RawOutcome {
  switch verdict {
  case .infeasible: return .infeasible
  case .dualInfeasible: return try resolveDualInfeasibility(problem, model, limits: limits)
  case .finished:
    if let outcome = try basicOutcome(of: problem, model) { return outcome }
    return try resolveDualInfeasibility(problem, model, limits: limits)
  }
}
