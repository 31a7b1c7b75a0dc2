internal import CGLPK

/// What a solver run established, before certificates are attached.
enum RawOutcome {
  /// An optimal (basic or integer) solution.
  case optimal(LPSolution)
  /// The continuous program (for an integer program: its LP relaxation) has no feasible point.
  case infeasible
  /// The integer program has no feasible point. `relaxationFeasible` is true when GLPK solved
  /// the LP relaxation to optimality first (so no Farkas certificate exists).
  case integerInfeasible(relaxationFeasible: Bool)
  /// The objective is unbounded on a nonempty feasible set (for an integer program: the LP
  /// relaxation is unbounded).
  case unbounded
}

/// What a `glp_simplex` / `glp_exact` run says before the status is read.
enum SimplexVerdict {
  /// Return code 0: read `glp_get_status`.
  case finished
  /// `GLP_ENOPFS` (presolve on): no primal feasible solution.
  case infeasible
  /// `GLP_ENODFS` (presolve on): no dual feasible solution, so the program is unbounded *or*
  /// infeasible; resolved by `resolveDualInfeasibility`.
  case dualInfeasible
}

/// First level of the mapping: the return code of `glp_simplex` or `glp_exact`.
///
/// | code | result |
/// |---|---|
/// | `0` | `.finished` (go on to `glp_get_status`) |
/// | `GLP_ENOPFS` | `.infeasible` |
/// | `GLP_ENODFS` | `.dualInfeasible` |
/// | `GLP_EBOUND` | `LPFailure.invalidModel` (validation should have caught it) |
/// | `GLP_ESING` / `GLP_ECOND` | `.singularBasis` / `.illConditioned` |
/// | `GLP_EFAIL` | `.solverFailure` |
/// | `GLP_EITLIM` / `GLP_ETMLIM` | `.iterationLimit` / `.timeLimit` |
/// | other (`GLP_EBADB`, `GLP_EOBJLL`, ...) | `.unknownReturnCode(code)` (never expected: we set no basis and no objective limits) |
func simplexVerdict(returnCode rc: Int32) throws(LPFailure) -> SimplexVerdict {
  switch rc {
  case 0: return .finished
  case GLP_ENOPFS: return .infeasible
  case GLP_ENODFS: return .dualInfeasible
  case GLP_EBOUND: throw .invalidModel("GLPK reported invalid bounds (GLP_EBOUND)")
  case GLP_ESING: throw .singularBasis
  case GLP_ECOND: throw .illConditioned
  case GLP_EFAIL: throw .solverFailure
  case GLP_EITLIM: throw .iterationLimit
  case GLP_ETMLIM: throw .timeLimit
  default: throw .unknownReturnCode(rc)
  }
}

/// Whether a return code is a numerical breakdown worth one retry after scaling.
func isNumericalFailure(_ rc: Int32) -> Bool {
  rc == GLP_ESING || rc == GLP_ECOND || rc == GLP_EFAIL
}

/// Second level of the mapping: after return code 0, `glp_get_status`.
///
/// | status | result |
/// |---|---|
/// | `GLP_OPT` | `.optimal` |
/// | `GLP_NOFEAS` | `.infeasible` |
/// | `GLP_UNBND` with primal status `GLP_FEAS` | `.unbounded` |
/// | `GLP_UNBND` otherwise, or dual status `GLP_NOFEAS` (the dual simplex stops with status `GLP_INFEAS` on a dual infeasible program) | `nil`: dual infeasible, to be resolved |
/// | `GLP_FEAS`, `GLP_INFEAS`, `GLP_UNDEF` otherwise | `LPFailure.notSolved(status:)` |
func basicOutcome(
  of problem: borrowing GLPKProblem, _ model: borrowing GLPKModel
) throws(LPFailure) -> RawOutcome? {
  let status = problem.status
  switch status {
  case GLP_OPT: return .optimal(problem.basicSolution(model))
  case GLP_NOFEAS: return .infeasible
  case GLP_UNBND: return problem.primalStatus == GLP_FEAS ? .unbounded : nil
  default:
    if problem.dualStatus == GLP_NOFEAS { return nil }
    throw .notSolved(status: status)
  }
}

/// First level for `glp_intopt` (the status level is `glp_mip_status`, see `IntegerSolve.swift`).
///
/// | code | result |
/// |---|---|
/// | `0` | read `glp_mip_status` |
/// | `GLP_ENOPFS` (presolve on) | LP relaxation infeasible, or the MIP presolver proved the integer program infeasible |
/// | `GLP_ENODFS` (presolve on) | LP relaxation dual infeasible (resolved with the primal simplex) |
/// | `GLP_EBOUND` | `LPFailure.invalidModel` |
/// | `GLP_EFAIL` | `.solverFailure` |
/// | `GLP_ETMLIM` | `.timeLimit` |
/// | other (`GLP_EROOT`, `GLP_ESTOP`, `GLP_EMIPGAP`) | `.unknownReturnCode(code)` |
func integerVerdict(returnCode rc: Int32) throws(LPFailure) -> SimplexVerdict {
  switch rc {
  case 0: return .finished
  case GLP_ENOPFS: return .infeasible
  case GLP_ENODFS: return .dualInfeasible
  case GLP_EBOUND: throw .invalidModel("GLPK reported invalid bounds (GLP_EBOUND)")
  case GLP_EFAIL: throw .solverFailure
  case GLP_ETMLIM: throw .timeLimit
  default: throw .unknownReturnCode(rc)
  }
}
