internal import CGLPK

/// Rounds of the simplex on one GLPK problem loaded with `first` (no presolve, so each round
/// starts from the previous basis): after each optimal solve `next` may grow the problem (it
/// appends rows or columns to `problem` and returns the model of the grown program) or return
/// nil to stop; `next` checks the grown model's triplets before appending. Returns the last
/// round's outcome. `firstMethod` (default `method`) solves the first round only. Used by row
/// and column generation.
func solveInRounds(
  _ first: GLPKModel, method: SimplexOptions.Method, firstMethod: SimplexOptions.Method? = nil,
  limits: SolverLimits,
  next: (LPSolution, borrowing GLPKProblem) throws(LPFailure) -> GLPKModel?
) throws(LPFailure) -> RawOutcome {
  try first.checkTriplets()
  let previousTerminalState = glp_term_out(GLP_OFF)
  defer { glp_term_out(previousTerminalState) }
  let problem = GLPKProblem(first)
  var model = first
  var roundMethod = firstMethod ?? method
  while true {
    var parm = simplexParameters(roundMethod, presolve: false, limits: limits)
    roundMethod = method
    let raw = try outcome(of: runSimplex(problem, &parm), problem, model, limits: limits)
    guard case .optimal(let solution) = raw, let grown = try next(solution, problem) else { return raw }
    model = grown
  }
}
