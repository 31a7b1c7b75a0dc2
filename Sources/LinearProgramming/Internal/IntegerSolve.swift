internal import CGLPK

/// Solves a program with integer variables: the LP relaxation with `glp_simplex`, then branch and
/// cut with `glp_intopt` (with presolve on, `glp_intopt`'s own presolver solves the relaxation).
///
/// `.exact` is not available for integer programs; the relaxation uses the dual simplex.
///
/// Second level (`glp_mip_status` after return code 0): `GLP_OPT` is optimal, `GLP_NOFEAS` is
/// integer infeasible, anything else (`GLP_FEAS`, `GLP_UNDEF`) is `LPFailure.notSolved`.
///
/// A presolved integer solution is checked against the model in Swift, as in `solveContinuous`;
/// if it violates a bound by more than `GLPKModel.presolveFeasibilityTolerance`, the program is
/// solved again without presolve.
func solveInteger(
  _ model: borrowing GLPKModel, options: SimplexOptions, limits: SolverLimits
) throws(LPFailure) -> RawOutcome {
  if model.hasEmptyIntegerBox {
    return .integerInfeasible(relaxationFeasible: false)
  }
  let problem = GLPKProblem(model)
  var iocp = glp_iocp()
  glp_init_iocp(&iocp)
  iocp.msg_lev = GLP_MSG_OFF
  iocp.tm_lim = limits.milliseconds
  let method: SimplexOptions.Method = options.method == .primal ? .primal : .dual
  guard options.presolve else {
    return try branchAndCut(problem, model, &iocp, method: method, limits: limits)
  }
  iocp.presolve = GLP_ON
  switch try integerVerdict(returnCode: problem.intopt(&iocp)) {
  case .finished: break
  case .infeasible: return .integerInfeasible(relaxationFeasible: false)
  case .dualInfeasible:
    switch try resolveDualInfeasibility(problem, model, limits: limits) {
    case .infeasible: return .infeasible
    case .unbounded: return .unbounded
    default: throw .notSolved(status: problem.status)
    }
  }
  let result = try integerOutcome(problem, model, relaxationFeasible: false)
  if case .optimal(let solution) = result,
    model.maximumRelativeViolation(values: solution.values) > GLPKModel.presolveFeasibilityTolerance
  {
    problem.resetBasis()
    return try branchAndCut(problem, model, &iocp, method: method, limits: limits)
  }
  return result
}

/// `glp_simplex` on the LP relaxation (no presolve), then `glp_intopt` without presolve.
private func branchAndCut(
  _ problem: borrowing GLPKProblem, _ model: borrowing GLPKModel, _ iocp: inout glp_iocp,
  method: SimplexOptions.Method, limits: SolverLimits
) throws(LPFailure) -> RawOutcome {
  var parm = simplexParameters(method, presolve: false, limits: limits)
  let relaxation: RawOutcome?
  switch try runSimplex(problem, &parm) {
  case .infeasible: relaxation = .infeasible
  case .dualInfeasible: relaxation = nil
  case .finished: relaxation = try basicOutcome(of: problem, model)
  }
  let relaxationOutcome: RawOutcome
  if let relaxation {
    relaxationOutcome = relaxation
  } else {
    relaxationOutcome = try resolveDualInfeasibility(problem, model, limits: limits)
  }
  switch relaxationOutcome {
  case .optimal: break
  case .infeasible: return .infeasible
  case .unbounded: return .unbounded
  case .integerInfeasible: preconditionFailure("an LP relaxation has no integer status")
  }
  iocp.presolve = GLP_OFF
  _ = try integerVerdict(returnCode: problem.intopt(&iocp))
  return try integerOutcome(problem, model, relaxationFeasible: true)
}

/// The second level for `glp_intopt`: `glp_mip_status`.
private func integerOutcome(
  _ problem: borrowing GLPKProblem, _ model: borrowing GLPKModel, relaxationFeasible: Bool
) throws(LPFailure) -> RawOutcome {
  switch problem.mipStatus {
  case GLP_OPT: return .optimal(problem.mipSolution(model))
  case GLP_NOFEAS: return .integerInfeasible(relaxationFeasible: relaxationFeasible)
  case let status: throw .notSolved(status: status)
  }
}
