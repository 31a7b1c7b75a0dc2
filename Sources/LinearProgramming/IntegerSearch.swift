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

/// How branch and cut picks the variable to branch on (`glp_iocp.br_tech`).
public enum IntegerBranching: Sendable, Equatable {
  /// Driebeck and Tomlin's heuristic (GLPK's default, `GLP_BR_DTH`): evaluates a tableau row per
  /// fractional variable at every node, a good choice that costs in proportion to the program.
  case driebeckTomlin
  /// The most fractional variable (`GLP_BR_MFV`): no tableau rows, so a node of a large program
  /// costs little more than its LP re-solve.
  case mostFractional
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
public func solveInteger(
  _ lp: LinearProgram, nodeLimit: Int, branching: IntegerBranching = .driebeckTomlin
) throws(LPFailure) -> IntegerSearchOutcome {
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
  iocp.br_tech = branching == .mostFractional ? GLP_BR_MFV : GLP_BR_DTH
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

/// `solveInteger(_:nodeLimit:)` one block at a time for a program whose constraint matrix is
/// block diagonal (the connected components of `solveByBlocks`), each block searched with the
/// same `nodeLimit`.
///
/// The blocks share no row and no variable, so an integer point of the whole is a choice of one
/// per block and the objective is the sum of the blocks' objectives: the program is infeasible
/// iff some block is, otherwise unbounded iff some block's relaxation is, otherwise its optimum
/// is the sum of the block optima (stitched together). When a block's search stops at the limit
/// the outcome is `.stopped`, with the stitched point of every block's best (proven or not) when
/// each block has one, else no point. The total work is bounded by the blocks' sizes times the
/// limit, and branch and cut on a small block is far cheaper per node (its LPs and the tableau
/// rows of branching are the block's size), so a program made of many blocks (one per true class
/// for equal opportunity and equalized odds) is searched much faster than as one.
///
/// The optimum is the whole program's, but where it is not unique the point can be another
/// optimal one than `solveInteger`'s on the whole program.
///
/// - Precondition: `nodeLimit >= 1`.
/// - Throws: `LPFailure` as `solveInteger(_:nodeLimit:)` does, for the first block that fails.
public func solveIntegerByBlocks(
  _ lp: LinearProgram, nodeLimit: Int, branching: IntegerBranching = .driebeckTomlin
) throws(LPFailure) -> IntegerSearchOutcome {
  let blocks = try BlockPartition(lp)
  guard blocks.count > 1 else { return try solveInteger(lp, nodeLimit: nodeLimit, branching: branching) }
  var values = [Double](repeating: 0, count: lp.variables.count)
  var rowActivities = [Double](repeating: 0, count: lp.constraints.count)
  var objective = 0.0  // block 0 carries the objective constant
  var unbounded = false
  var stopped = false
  var missingPoint = false
  for block in 0..<blocks.count {
    let solution: LPSolution?
    switch try solveInteger(blocks.program(block, of: lp), nodeLimit: nodeLimit, branching: branching) {
    case .infeasible: return .infeasible
    case .unbounded:
      unbounded = true
      solution = nil
    case .optimal(let found): solution = found
    case .stopped(let best):
      stopped = true
      solution = best
      if best == nil { missingPoint = true }
    }
    guard let solution else { continue }
    objective += solution.objective
    blocks.place(solution.values, of: block, into: &values)
    blocks.place(rowValues: solution.rowActivities, of: block, into: &rowActivities)
  }
  if unbounded { return .unbounded }
  // Branch and cut reports no duals (as `mipSolution`).
  let point = LPSolution(
    objective: objective, values: values, rowActivities: rowActivities, rowDuals: [], reducedCosts: [])
  if stopped { return .stopped(best: missingPoint ? nil : point) }
  return .optimal(point)
}
