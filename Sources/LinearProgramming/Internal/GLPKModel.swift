internal import CGLPK

/// A validated linear program already laid out in GLPK's 1-based arrays.
///
/// This is the single place where 0-based Swift indices become 1-based GLPK indices: every array
/// here has a padding element at index 0, as `glp_load_matrix` expects. `GLPKProblem.load(_:)`
/// only hands these arrays to GLPK; no other code builds GLPK indices.
///
/// GLPK cannot run `glp_exact` on a problem without rows, so a program without constraints gets
/// one free empty auxiliary row (`glpkRowCount == 1`, `rowCount == 0`); it changes nothing and is
/// never reported.
struct GLPKModel {
  /// Rows of the caller's program (reported back).
  let rowCount: Int
  /// Columns of the caller's program.
  let columnCount: Int
  /// Rows created in GLPK (`max(rowCount, 1)`).
  let glpkRowCount: Int32
  let glpkColumnCount: Int32
  /// `GLP_MIN` or `GLP_MAX`.
  let direction: Int32
  let objectiveConstant: Double
  /// Objective coefficients, 1-based (`[0]` unused).
  private(set) var objective: [Double]
  /// Column bounds, 1-based; integer columns narrowed to integral bounds.
  private(set) var columnBounds: [GLPKBound]
  /// Row bounds, 1-based.
  private(set) var rowBounds: [GLPKBound]
  /// 1-based indices of integer columns.
  private(set) var integerColumns: [Int32]
  /// Whether an integer column's box contains no integer (the program is integer-infeasible).
  private(set) var hasEmptyIntegerBox = false
  /// Triplets `(ia[k], ja[k], ar[k])` for `k = 1...nonzeroCount`, 1-based with padding.
  private(set) var ia: [Int32]
  private(set) var ja: [Int32]
  private(set) var ar: [Double]

  var nonzeroCount: Int32 { Int32(truncatingIfNeeded: ar.count - 1) }
  var isInteger: Bool { !integerColumns.isEmpty }

  /// Validates `lp` (see `Validation.swift`) and marshals it. Throws `LPFailure.invalidModel`
  /// naming the first offending variable or row.
  init(validating lp: LinearProgram) throws(LPFailure) {
    let n = lp.variables.count
    let m = lp.constraints.count
    rowCount = m
    columnCount = n
    glpkColumnCount = try cInt(n, "the number of variables")
    glpkRowCount = try cInt(max(m, 1), "the number of constraint rows")
    direction = lp.direction == .minimize ? GLP_MIN : GLP_MAX
    guard lp.objectiveConstant.isFinite else {
      throw .invalidModel("the objective constant is \(lp.objectiveConstant)")
    }
    objectiveConstant = lp.objectiveConstant

    objective = [0]
    objective.reserveCapacity(n + 1)
    columnBounds = [.free]
    columnBounds.reserveCapacity(n + 1)
    integerColumns = []
    for (j, variable) in lp.variables.enumerated() {
      guard variable.objective.isFinite else {
        throw .invalidModel(
          "\(describeVariable(j, variable.name)) has objective coefficient \(variable.objective)")
      }
      objective.append(variable.objective)
      var bound = try glpkBound(variable.bounds, of: describeVariable(j, variable.name))
      if variable.kind == .integer {
        integerColumns.append(Int32(truncatingIfNeeded: j + 1))
        if let narrowed = integralBound(bound) {
          bound = narrowed
        } else {
          hasEmptyIntegerBox = true
        }
      }
      columnBounds.append(bound)
    }

    rowBounds = [.free]
    rowBounds.reserveCapacity(Int(glpkRowCount) + 1)
    var nonzeros = 0
    for row in lp.constraints { nonzeros += row.terms.count }
    _ = try cInt(nonzeros + 1, "the number of constraint coefficients")
    ia = [0]
    ja = [0]
    ar = [0]
    ia.reserveCapacity(nonzeros + 1)
    ja.reserveCapacity(nonzeros + 1)
    ar.reserveCapacity(nonzeros + 1)
    // lastRow[j] == i + 1 when variable j already appeared in row i (duplicate check in O(nnz)).
    var lastRow = [Int](repeating: 0, count: n)
    for (i, row) in lp.constraints.enumerated() {
      rowBounds.append(try glpkBound(row.bounds, of: describeRow(i, row.name)))
      let glpkRow = Int32(truncatingIfNeeded: i + 1)
      for (k, term) in row.terms.enumerated() {
        let j = term.variable
        guard j >= 0 && j < n else {
          throw .invalidModel(
            "\(describeRow(i, row.name)) term \(k) refers to variable \(j), but the program has \(n) variables"
          )
        }
        guard term.coefficient.isFinite else {
          throw .invalidModel(
            "\(describeRow(i, row.name)) has coefficient \(term.coefficient) for \(describeVariable(j, lp.variables[j].name))"
          )
        }
        guard lastRow[j] != i + 1 else {
          throw .invalidModel(
            "\(describeRow(i, row.name)) lists \(describeVariable(j, lp.variables[j].name)) more than once"
          )
        }
        lastRow[j] = i + 1
        if term.coefficient != 0 {  // GLPK drops explicit zeros anyway
          ia.append(glpkRow)
          ja.append(Int32(truncatingIfNeeded: j + 1))
          ar.append(term.coefficient)
        }
      }
    }
    if m == 0 { rowBounds.append(.free) }  // the auxiliary empty row, see the type's doc
  }
}

extension GLPKModel {
  /// Calls `body` with the nonzero count and base pointers of the 1-based triplet arrays
  /// `ia`, `ja`, `ar` (element 0 is padding), as `glp_load_matrix` and `glp_check_dup` take them.
  /// Does nothing when there are no nonzeros. This is the only place GLPK array pointers are made.
  func withTriplets(
    _ body: (Int32, UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Double>) -> Void
  ) {
    let ne = nonzeroCount
    guard ne > 0 else { return }
    ia.withUnsafeBufferPointer { ia in
      ja.withUnsafeBufferPointer { ja in
        ar.withUnsafeBufferPointer { ar in
          // Non-empty arrays (ne > 0 plus the padding element) always have a base address.
          guard let ia = ia.baseAddress, let ja = ja.baseAddress, let ar = ar.baseAddress else {
            preconditionFailure("non-empty array without storage")
          }
          body(ne, ia, ja, ar)
        }
      }
    }
  }

  /// The coefficients of rows (`byRow`) or columns `first + 1 ... first + count` (1-based),
  /// each as the 1-based `(ind, val)` arrays with padding that `glp_set_mat_row` and
  /// `glp_set_mat_col` take, read from the triplets (used to append lines to a loaded problem).
  func lines(after first: Int, count: Int, byRow: Bool) -> [(count: Int32, indices: [Int32], values: [Double])] {
    var lines = Array(repeating: (count: Int32(0), indices: [Int32(0)], values: [0.0]), count: count)
    for k in 1..<ia.count {
      let line = Int(byRow ? ia[k] : ja[k]) - first - 1
      guard line >= 0 && line < count else { continue }
      lines[line].count += 1
      lines[line].indices.append(byRow ? ja[k] : ia[k])
      lines[line].values.append(ar[k])
    }
    return lines
  }

  /// Second line of defence after the Swift validation: `glp_check_dup` reports (without
  /// aborting) an out-of-range entry as `-k` and a duplicate as `+k`.
  func checkTriplets() throws(LPFailure) {
    var check: Int32 = 0
    let m = glpkRowCount
    let n = glpkColumnCount
    withTriplets { ne, ia, ja, _ in check = glp_check_dup(m, n, ne, ia, ja) }
    guard check == 0 else {
      throw .invalidModel(
        "glp_check_dup rejected matrix entry \(abs(check)) (\(check < 0 ? "index out of range" : "duplicate"))"
      )
    }
  }
}

extension GLPKModel {
  /// Violations above this (relative to `1 + |bound|`) in a presolved solution trigger a re-solve
  /// without presolve. GLPK's simplex works to a relative primal tolerance of 1e-7 (`tol_bnd`),
  /// but its LP presolver skips bound tightenings it judges insignificant (observed: a singleton
  /// row turned into a column bound 1e-4 relative looser than the row), and the postsolved
  /// solution then violates that row by far more.
  static let presolveFeasibilityTolerance = 1e-6

  /// The largest violation of a column or row bound by `values` (one per caller's column),
  /// relative to `1 + |bound|`, with row activities recomputed from the triplets.
  func maximumRelativeViolation(values: [Double]) -> Double {
    precondition(values.count == columnCount, "one value per column")
    var worst = 0.0
    func account(_ v: Double, _ b: GLPKBound) {
      switch b.type {
      case GLP_LO: worst = max(worst, (b.lower - v) / (1 + abs(b.lower)))
      case GLP_UP: worst = max(worst, (v - b.upper) / (1 + abs(b.upper)))
      case GLP_DB, GLP_FX:
        worst = max(worst, (b.lower - v) / (1 + abs(b.lower)), (v - b.upper) / (1 + abs(b.upper)))
      default: break
      }
    }
    for j in 0..<columnCount { account(values[j], columnBounds[j + 1]) }
    if rowCount > 0 {
      var activity = [Double](repeating: 0, count: rowCount + 1)
      for k in 1..<ar.count { activity[Int(ia[k])] += ar[k] * values[Int(ja[k]) - 1] }
      for i in 1...rowCount { account(activity[i], rowBounds[i]) }
    }
    return worst
  }
}
