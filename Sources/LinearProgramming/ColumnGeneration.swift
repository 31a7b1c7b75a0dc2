internal import CGLPK

/// A column to append to a program: a new variable and its coefficients in existing rows.
public struct GeneratedColumn: Sendable {
  public var variable: LinearProgram.Variable
  /// `(row, coefficient)`: 0-based rows of the program, each at most once.
  public var entries: [(row: Int, coefficient: Double)]

  public init(variable: LinearProgram.Variable, entries: [(row: Int, coefficient: Double)]) {
    self.variable = variable
    self.entries = entries
  }
}

extension LinearProgram {
  /// Appends `column`'s variable and its coefficients to the rows it names; returns its index.
  ///
  /// - Throws: `LPFailure.invalidModel` for a row outside the program.
  @discardableResult
  public mutating func addColumn(_ column: GeneratedColumn) throws(LPFailure) -> Int {
    let j = variables.count
    for entry in column.entries where !constraints.indices.contains(entry.row) {
      throw .invalidModel("column \(column.variable.name) refers to row \(entry.row)")
    }
    variables.append(column.variable)
    for entry in column.entries { constraints[entry.row].terms.append(.init(j, entry.coefficient)) }
    return j
  }
}

/// Solves a program with many variables by column generation: solve `lp`, ask `price` for
/// columns of the full program with a negative reduced cost (minimization; positive for a
/// maximization) at the current row duals, append them, re-solve, and stop when `price` returns
/// none.
///
/// Every round's program is a restriction of the full program (the missing columns fixed at
/// 0), so an optimal solution at which no column prices out is optimal for the full program (LP
/// duality: the duals are feasible for every column), up to GLPK's tolerances and the pricing
/// tolerance the caller uses. All rounds run on one GLPK problem: appended columns are nonbasic
/// at a bound, so the previous basis stays a basis and the simplex continues from it. Columns
/// must be continuous with a finite bound at which they start (for example `>= 0`).
///
/// - Parameters:
///   - lp: the starting columns and every row; it should be feasible (for example with
///     artificial variables), since an infeasible restriction says nothing about the full
///     program and is returned as `.infeasible(nil)`.
///   - options: `.primal` or `.dual` (`.exact` runs as `.primal`), no presolve,
///     `iterationLimit`/`timeLimit` per round; no certificates.
///   - firstRound: the method of the first solve only (default: the rounds' method). The dual
///     simplex suits a first program whose starting (slack) basis is dual feasible, for example
///     when every column is nonnegative with a nonnegative cost and free columns cost 0; the
///     later rounds add columns at their bounds to an optimal basis, which stays primal
///     feasible, so they suit the primal simplex.
///   - price: the columns to append given the current optimal solution (with `rowDuals`).
/// - Returns: the outcome and the last round's program (the starting columns plus every
///   appended one, in order).
/// - Throws: `LPFailure.invalidModel` for a bad starting program or column, otherwise as `solve`.
public func solveWithColumnGeneration(
  _ lp: LinearProgram, options: SimplexOptions = .init(), firstRound: SimplexOptions.Method? = nil,
  price: (LPSolution) -> [GeneratedColumn]
) throws(LPFailure) -> (outcome: LPOutcome, program: LinearProgram) {
  var program = lp
  let model = try GLPKModel(validating: program)
  guard !model.isInteger, !program.variables.isEmpty, !program.constraints.isEmpty else {
    throw .invalidModel("column generation needs a continuous program with rows and variables")
  }
  let method: SimplexOptions.Method = options.method == .dual ? .dual : .primal
  let first = firstRound.map { $0 == .dual ? SimplexOptions.Method.dual : .primal }
  let raw = try solveInRounds(model, method: method, firstMethod: first, limits: SolverLimits(options)) {
    (solution, problem) throws(LPFailure) in
    let columns = price(solution)
    if columns.isEmpty { return nil }
    for column in columns {
      guard column.variable.kind == .continuous else {
        throw .invalidModel("generated column \(column.variable.name) is not continuous")
      }
      try program.addColumn(column)
    }
    let grown = try GLPKModel(validating: program)
    try grown.checkTriplets()
    problem.appendColumns(columns.count, of: grown)
    return grown
  }
  switch raw {
  case .optimal(let solution): return (.optimal(solution), program)
  case .unbounded: return (.unbounded, program)
  case .infeasible, .integerInfeasible: return (.infeasible(nil), program)
  }
}
