internal import CLAPACKE

extension Matrix {
  /// Solves the square system `AX = B` by LU factorization with partial pivoting.
  ///
  /// For symmetric positive definite `A` prefer ``Cholesky`` (half the work, and it detects
  /// indefiniteness). The corresponding LAPACK routine is `dgesv`.
  ///
  /// - Throws: ``LinearAlgebraError/singular(pivot:)`` if `U` has an exactly zero pivot
  ///   (`info > 0`); ``LinearAlgebraError/nonFinite`` on NaN or infinite input.
  /// - Precondition: `A` is square and `rightHandSides.rows == rows`.
  public func solve(_ rightHandSides: Matrix) throws(LinearAlgebraError) -> Matrix {
    precondition(isSquare, "solve with a \(rows) x \(columns) matrix")
    precondition(
      rightHandSides.rows == rows,
      "solving a \(rows) x \(rows) system with \(rightHandSides.rows) x \(rightHandSides.columns) right-hand sides")
    guard isFinite, rightHandSides.isFinite else { throw .nonFinite }
    var x = rightHandSides
    guard rows > 0, x.columns > 0 else { return x }
    var lu = self
    var pivots = Array(repeating: Int32(0), count: rows)
    let (n, nrhs) = (cInt(rows), cInt(x.columns))
    let ldb = rowMajorLeadingDimension(columns: x.columns)
    let info = RowChunks.withBLASThreads(threaded: rows > RowChunks.singleThreadedFactorLimit) {
      lu.withMutableStorage { pa in
        x.withMutableStorage { pb in
          pivots.withUnsafeMutableBufferPointer { pp in
            LAPACKE_dgesv(
              lapackRowMajor, n, nrhs, pa.baseAddress, n, pp.baseAddress, pb.baseAddress, ldb)
          }
        }
      }
    }
    trapOnIllegalArgument(info, "dgesv")
    if info > 0 { throw .singular(pivot: Int(info)) }
    return x
  }

  /// Solves the square system `Ax = b` (LAPACK `dgesv`).
  ///
  /// - Throws: ``LinearAlgebraError/singular(pivot:)`` or ``LinearAlgebraError/nonFinite``.
  /// - Precondition: `A` is square and `b.count == rows`.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    precondition(b.count == rows, "solving a \(rows) x \(columns) system with a right-hand side of length \(b.count)")
    return try solve(Matrix(column: b)).elements
  }
}
