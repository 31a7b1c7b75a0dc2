internal import CGLPK

/// Solves a program with integer variables: the LP relaxation with `glp_simplex`, then branch and
/// cut with `glp_intopt` (with presolve on, `glp_intopt`'s own presolver solves the relaxation).
///
/// `.exact` is not available for integer programs; the relaxation uses the dual simplex.
///
/// Second level (`glp_mip_status` after return code 0): `GLP_OPT` is optimal, `GLP_NOFEAS` is
/// integer infeasible, anything else (`GLP_FEAS`, `GLP_UNDEF`) is `LPFailure.notSolved`.
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
  if options.presolve {
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
  } else {
    var parm = simplexParameters(
      options.method == .primal ? .primal : .dual, presolve: false, limits: limits)
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
  }
  switch problem.mipStatus {
  case GLP_OPT: return .optimal(problem.mipSolution(model))
  case GLP_NOFEAS: return .integerInfeasible(relaxationFeasible: !options.presolve)
  case let status: throw .notSolved(status: status)
  }
}
