/// Solves a continuous program whose constraint matrix is block diagonal (after permuting rows
/// and variables) one block at a time, with the same answer as `solve(_:options:)`.
///
/// The blocks are the connected components of the graph that links two variables when a row
/// has nonzero coefficients on both. With `x = (x_1, …, x_B)` split by block, the program is
/// `min Σ_b c_b·x_b` over `x_b ∈ P_b` (each block's rows and box), so
///
/// * it is infeasible iff some block is; a block's Farkas multipliers `y_b` with zeros on every
///   other row are a certificate for the whole program (`L(y)` and `U(y)` only collect the
///   block's rows and variables, so the gap is the block's own);
/// * otherwise it is unbounded iff some block is;
/// * otherwise its optimum is the sum of the blocks' optima, attained by stitching the block
///   solutions together; row duals and reduced costs are the blocks' own (each block's
///   optimality conditions involve only its rows and variables).
///
/// Simplex cost grows faster than linearly with the number of rows, so a program made of many
/// independent blocks (for example one per true class) solves much faster this way. Blocks are
/// solved in order, on the calling thread, each with `options` (so `iterationLimit` and
/// `timeLimit` apply per block). Variables in no row and rows with no terms join the first
/// block. Programs with an integer variable, or with fewer than two blocks, go to `solve`
/// unchanged.
///
/// - Throws: what `solve(_:options:)` throws, for the whole program or the first block that
///   fails; `LPFailure.invalidModel` for a term whose variable index is out of range.
public func solveByBlocks(
  _ lp: LinearProgram, options: SimplexOptions = .init()
) throws(LPFailure) -> LPOutcome {
  let blocks = try BlockPartition(lp)
  guard blocks.count > 1, !lp.variables.contains(where: { $0.kind == .integer }) else {
    return try solve(lp, options: options)
  }
  let m = lp.constraints.count
  var values = [Double](repeating: 0, count: lp.variables.count)
  var reducedCosts = values
  var rowActivities = [Double](repeating: 0, count: m)
  var rowDuals = rowActivities
  var objective = 0.0  // block 0 carries the objective constant
  var unbounded = false
  for block in 0..<blocks.count {
    switch try solve(blocks.program(block, of: lp), options: options) {
    case .infeasible(let certificate):
      guard let certificate else { return .infeasible(nil) }
      var multipliers = [Double](repeating: 0, count: m)
      blocks.place(rowValues: certificate.rowMultipliers, of: block, into: &multipliers)
      return .infeasible(FarkasCertificate(rowMultipliers: multipliers))
    case .unbounded:
      unbounded = true
    case .optimal(let solution):
      objective += solution.objective
      blocks.place(solution.values, of: block, into: &values)
      blocks.place(solution.reducedCosts, of: block, into: &reducedCosts)
      blocks.place(rowValues: solution.rowActivities, of: block, into: &rowActivities)
      blocks.place(rowValues: solution.rowDuals, of: block, into: &rowDuals)
    }
  }
  if unbounded { return .unbounded }
  return .optimal(
    LPSolution(
      objective: objective, values: values, rowActivities: rowActivities, rowDuals: rowDuals,
      reducedCosts: reducedCosts))
}

/// The connected components of a program's variables (linked by shared rows), with the rows of
/// each component, both in increasing index order.
struct BlockPartition {
  /// `variables[b]`, `rows[b]`: the global indices of block b's variables and rows.
  private(set) var variables: [[Int]] = []
  private(set) var rows: [[Int]] = []

  var count: Int { variables.count }

  /// - Throws: `LPFailure.invalidModel` for a term whose variable index is out of range.
  init(_ lp: LinearProgram) throws(LPFailure) {
    let n = lp.variables.count
    var parent = Array(0..<n)
    func root(_ v: Int) -> Int {
      var v = v
      while parent[v] != v {
        parent[v] = parent[parent[v]]
        v = parent[v]
      }
      return v
    }
    for (i, row) in lp.constraints.enumerated() {
      guard let first = row.terms.first?.variable else { continue }
      for term in row.terms {
        guard term.variable >= 0 && term.variable < n else {
          throw .invalidModel(
            "\(describeRow(i, row.name)) refers to variable \(term.variable), the program has \(n)")
        }
      }
      let r = root(first)
      for term in row.terms.dropFirst() {
        let other = root(term.variable)
        if other != r { parent[other] = r }
      }
    }
    // Blocks numbered by their smallest row (rowless variables and termless rows: block 0).
    var blockOfRoot = [Int](repeating: -1, count: n)
    var rowBlock = [Int](repeating: 0, count: lp.constraints.count)
    var blockCount = 0
    for (i, row) in lp.constraints.enumerated() {
      guard let first = row.terms.first?.variable else { continue }
      let r = root(first)
      if blockOfRoot[r] < 0 {
        blockOfRoot[r] = blockCount
        blockCount += 1
      }
      rowBlock[i] = blockOfRoot[r]
    }
    variables = Array(repeating: [], count: max(blockCount, 1))
    rows = Array(repeating: [], count: max(blockCount, 1))
    for v in 0..<n { variables[max(blockOfRoot[root(v)], 0)].append(v) }
    for i in lp.constraints.indices { rows[rowBlock[i]].append(i) }
  }

  /// Writes block `b`'s per-variable values (in its local order) at their global positions.
  func place(_ local: [Double], of b: Int, into global: inout [Double]) {
    for (index, variable) in variables[b].enumerated() { global[variable] = local[index] }
  }

  /// Writes block `b`'s per-row values (in its local order) at their global positions.
  func place(rowValues local: [Double], of b: Int, into global: inout [Double]) {
    for (index, row) in rows[b].enumerated() { global[row] = local[index] }
  }

  /// Block `b` as a program of its own (variables renumbered in order); the objective constant
  /// goes with block 0.
  func program(_ b: Int, of lp: LinearProgram) -> LinearProgram {
    var local = [Int: Int](minimumCapacity: variables[b].count)
    for (index, variable) in variables[b].enumerated() { local[variable] = index }
    var block = LinearProgram(direction: lp.direction, objectiveConstant: b == 0 ? lp.objectiveConstant : 0)
    block.variables = variables[b].map { lp.variables[$0] }
    block.constraints = rows[b].map { i in
      var row = lp.constraints[i]
      row.terms = row.terms.map { term in
        guard let index = local[term.variable] else { preconditionFailure("a row's variable outside its block") }
        return LinearProgram.Term(index, term.coefficient)
      }
      return row
    }
    return block
  }
}
