internal import CGLPK

/// How a branch-and-bound search with a node limit ended (`solveInteger(_:nodeLimit:)`).
public enum IntegerSearchOutcome: Sendable, Equatable {
  /// A proven optimal integer solution (the search finished within the limit).
  case optimal(LPSolution)
  /// The node limit stopped the search: the best integer solution found so far, if any. It is
  /// feasible but *not* proven optimal.
  case stopped(best: LPSolution?)
  /// No integer point satisfies the constraints (or the LP relaxation has no point at all).
  case infeasible
  /// The LP relaxation is unbounded (integer feasibility is then not decided).
  case unbounded
}

/// Solves a program with integer variables like `solve(_:options:)` with default options (LP
/// relaxation by the dual simplex without presolve, then `glp_intopt` without presolve), but
/// stops branch and cut once GLPK has created more than `nodeLimit` nodes of its search tree.
///
/// The limit counts nodes (`glp_ios_tree_size`, checked from `glp_intopt`'s callback, which
/// calls `glp_ios_terminate`), not seconds: the outcome is the same on every machine and under
/// any load. Below the limit the search and its answer are exactly those of `solve(_:options:)`
/// (the callback only counts). Branch and cut on general integers can take exponentially many
/// nodes; callers that must answer in bounded time use this and report `.stopped` honestly.
///
/// - Precondition: `nodeLimit >= 1`.
/// - Throws: `LPFailure` as `solve(_:options:)` does.
public func solveInteger(_ lp: LinearProgram, nodeLimit: Int) throws(LPFailure) -> IntegerSearchOutcome {
  precondition(nodeLimit >= 1, "the node limit must be positive")
  let model = try GLPKModel(validating: lp)
  let limits = try SolverLimits(SimplexOptions())
  if lp.variables.isEmpty || !model.isInteger {
    switch try solve(lp, options: SimplexOptions(wantsCertificate: false)) {
    case .optimal(let solution): return .optimal(solution)
    case .infeasible: return .infeasible
    case .unbounded: return .unbounded
    }
  }
  if model.hasEmptyIntegerBox { return .infeasible }
  try model.checkTriplets()
  let previousTerminalState = glp_term_out(GLP_OFF)
  defer { glp_term_out(previousTerminalState) }

  let problem = GLPKProblem(model)
  var parm = simplexParameters(.dual, presolve: false, limits: limits)
  let relaxation: RawOutcome
  switch try runSimplex(problem, &parm) {
  case .infeasible: relaxation = .infeasible
  case .dualInfeasible: relaxation = try resolveDualInfeasibility(problem, model, limits: limits)
  case .finished:
    if let basic = try basicOutcome(of: problem, model) {
      relaxation = basic
    } else {
      relaxation = try resolveDualInfeasibility(problem, model, limits: limits)
    }
  }
  switch relaxation {
  case .optimal: break
  case .infeasible, .integerInfeasible: return .infeasible
  case .unbounded: return .unbounded
  }
  var iocp = glp_iocp()
  glp_init_iocp(&iocp)
  iocp.msg_lev = GLP_MSG_OFF
  iocp.presolve = GLP_OFF
  iocp.cb_func = stopAtNodeLimit
  var limit = Int32(clamping: nodeLimit)
  let rc = withUnsafeMutablePointer(to: &limit) { pointer in
    iocp.cb_info = UnsafeMutableRawPointer(pointer)
    return problem.intopt(&iocp)
  }
  if rc == GLP_ESTOP {
    return .stopped(best: problem.mipStatus == GLP_FEAS ? problem.mipSolution(model) : nil)
  }
  _ = try integerVerdict(returnCode: rc)
  switch problem.mipStatus {
  case GLP_OPT: return .optimal(problem.mipSolution(model))
  case GLP_NOFEAS: return .infeasible
  case let status: throw .notSolved(status: status)
  }
}

/// `glp_intopt`'s callback: ends the search once the tree has had more nodes than the limit
/// `info` points to (an `Int32`).
private let stopAtNodeLimit: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { tree, info in
  guard let tree, let info else { return }
  var active: Int32 = 0
  var current: Int32 = 0
  var total: Int32 = 0
  glp_ios_tree_size(tree, &active, &current, &total)
  if total > info.load(as: Int32.self) { glp_ios_terminate(tree) }
}
