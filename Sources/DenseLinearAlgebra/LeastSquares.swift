internal import CLAPACKE

/// The minimum-norm least-squares solution of `AX ≈ B` and the numerical rank of `A`.
public struct LeastSquaresSolution: Sendable, Equatable {
  /// The solution `X` (`A.columns x B.columns`): among all minimizers of `‖AX − B‖_F`, the one of
  /// least Frobenius norm.
  public let solution: Matrix
  /// The effective rank of `A`: the number of singular values greater than `rcond · σ_max`.
  public let rank: Int
  /// The singular values of `A`, in decreasing order.
  public let singularValues: [Double]
}

extension Matrix {
  /// Solves the least-squares problem `min_X ‖AX − B‖_F` (minimum-norm solution if `A` is rank
  /// deficient) for any shape of `A` (over- or underdetermined).
  ///
  /// Uses the SVD with divide and conquer; the corresponding LAPACK routine is `dgelsd`.
  ///
  /// - Parameters:
  ///   - rightHandSides: `B`, with `rows` rows.
  ///   - relativeCondition: singular values `σ_i <= relativeCondition · σ_max` are treated as zero;
  ///     a negative value selects `max(m, n) · ε` (NumPy's `lstsq` default). LAPACK's own
  ///     "negative means ε" rule is too tight: an exactly rank-deficient `A` then often keeps a
  ///     rounding-level singular value (a few ε · σ_max) and is reported as full rank, depending
  ///     on the BLAS kernel.
  /// - Throws: ``LinearAlgebraError/didNotConverge(routine:info:)`` if the SVD fails to converge;
  ///   ``LinearAlgebraError/nonFinite`` on NaN or infinite input.
  /// - Precondition: `rightHandSides.rows == rows`.
  public func leastSquares(_ rightHandSides: Matrix, relativeCondition: Double = -1) throws(LinearAlgebraError)
    -> LeastSquaresSolution
  {
    precondition(
      rightHandSides.rows == rows,
      "least squares with \(rows) x \(columns) A and \(rightHandSides.rows) x \(rightHandSides.columns) B")
    guard isFinite, rightHandSides.isFinite else { throw .nonFinite }
    let (m, n, nrhs) = (rows, columns, rightHandSides.columns)
    guard m > 0, n > 0, nrhs > 0 else {
      return LeastSquaresSolution(solution: Matrix(rows: n, columns: nrhs), rank: 0, singularValues: [])
    }
    // dgelsd overwrites B (max(m, n) x nrhs) with the solution in its first n rows.
    var b = Matrix(rows: Swift.max(m, n), columns: nrhs)
    for i in 0..<m {
      for j in 0..<nrhs { b[i, j] = rightHandSides[i, j] }
    }
    var a = self
    var singular = Array(repeating: 0.0, count: Swift.min(m, n))
    var rank: Int32 = 0
    let threshold = relativeCondition < 0 ? Double.ulpOfOne * Double(Swift.max(m, n)) : relativeCondition
    let info = RowChunks.withBLASThreads(threaded: Swift.max(m, n) > RowChunks.singleThreadedFactorLimit) {
      a.withMutableStorage { pa in
        b.withMutableStorage { pb in
          singular.withUnsafeMutableBufferPointer { ps in
            LAPACKE_dgelsd(
              lapackRowMajor, cInt(m), cInt(n), cInt(nrhs), pa.baseAddress, rowMajorLeadingDimension(columns: n),
              pb.baseAddress, rowMajorLeadingDimension(columns: nrhs), ps.baseAddress, threshold, &rank)
          }
        }
      }
    }
    trapOnIllegalArgument(info, "dgelsd")
    if info > 0 { throw .didNotConverge(routine: "dgelsd", info: Int(info)) }
    let solution = Matrix(rows: n, columns: nrhs, elements: Array(b.elements[0..<(n * nrhs)]))
    return LeastSquaresSolution(solution: solution, rank: Int(rank), singularValues: singular)
  }

  /// The minimum-norm least-squares solution `x` of `Ax ≈ b` (LAPACK `dgelsd`).
  ///
  /// - Throws: see ``leastSquares(_:relativeCondition:)-(Matrix,_)``.
  public func leastSquares(_ b: [Double], relativeCondition: Double = -1) throws(LinearAlgebraError) -> [Double] {
    try leastSquares(Matrix(column: b), relativeCondition: relativeCondition).solution.elements
  }
}
