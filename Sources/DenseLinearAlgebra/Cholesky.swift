internal import CLAPACKE

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// The Cholesky factorization `A = LLᵀ` of a symmetric positive definite matrix.
///
/// `L` is lower triangular with a positive diagonal. Only the lower triangle of the input is read
/// (the input is assumed symmetric). The factorization is computed once and reused by
/// ``solve(_:)-(Matrix)`` and ``solve(_:)-([Double])``, which is how inverse-Hessian-vector
/// products are computed (never by forming an inverse).
///
/// The corresponding LAPACK routines are `dpotrf` (factor) and `dpotrs` (solve).
public struct Cholesky: Sendable, Equatable {
  /// The lower-triangular factor `L` (strict upper triangle zero).
  public let lower: Matrix

  /// Factors a symmetric positive definite matrix. The corresponding LAPACK routine is `dpotrf`.
  ///
  /// - Parameter matrix: a square matrix; only its lower triangle is read.
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(minor:)`` if a leading minor is not
  ///   positive (`dpotrf` `info > 0`); ``LinearAlgebraError/nonFinite`` if the lower triangle
  ///   contains NaN or infinity.
  /// - Precondition: `matrix` is square.
  public init(_ matrix: Matrix) throws(LinearAlgebraError) {
    precondition(matrix.isSquare, "Cholesky of a \(matrix.rows) x \(matrix.columns) matrix")
    let n = matrix.rows
    for i in 0..<n {
      for j in 0...i where !matrix.elements[i * n + j].isFinite { throw .nonFinite }
    }
    var factor = matrix
    if n > 0 {
      let cn = cInt(n)
      // A small factor is not worth waking OpenBLAS's threads (see RowChunks.withBLASThreads).
      let info = RowChunks.withBLASThreads(threaded: n > RowChunks.singleThreadedFactorLimit) {
        factor.withMutableStorage { p in
          LAPACKE_dpotrf(lapackRowMajor, flag("L"), cn, p.baseAddress, rowMajorLeadingDimension(columns: n))
        }
      }
      trapOnIllegalArgument(info, "dpotrf")
      if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
      for i in 0..<n {
        for j in (i + 1)..<n { factor[i, j] = 0 }
      }
    }
    self.lower = factor
  }

  /// The order `n` of the factored `n x n` matrix.
  public var dimension: Int { lower.rows }

  /// `log det A = 2 Σ_i log L_ii` (finite for every successfully factored matrix).
  public var logDeterminant: Double {
    2 * lower.diagonal.reduce(0) { $0 + log($1) }
  }

  /// Solves `AX = B` for `X` using the factorization. The corresponding LAPACK routine is `dpotrs`.
  ///
  /// - Precondition: `rightHandSides.rows == dimension`.
  public func solve(_ rightHandSides: Matrix) -> Matrix {
    precondition(
      rightHandSides.rows == dimension,
      "solving a \(dimension) x \(dimension) system with \(rightHandSides.rows) x \(rightHandSides.columns) right-hand sides"
    )
    var x = rightHandSides
    guard dimension > 0, x.columns > 0 else { return x }
    let (n, nrhs) = (cInt(dimension), cInt(x.columns))
    let ldb = rowMajorLeadingDimension(columns: x.columns)
    let info = RowChunks.withBLASThreads(threaded: dimension > RowChunks.singleThreadedFactorLimit) {
      lower.withStorage { pl in
        x.withMutableStorage { pb in
          LAPACKE_dpotrs(lapackRowMajor, flag("L"), n, nrhs, pl.baseAddress, n, pb.baseAddress, ldb)
        }
      }
    }
    trapOnIllegalArgument(info, "dpotrs")
    return x
  }

  /// Solves `Ax = b` for `x` using the factorization. The corresponding LAPACK routine is `dpotrs`.
  ///
  /// - Precondition: `b.count == dimension`.
  public func solve(_ b: [Double]) -> [Double] {
    precondition(
      b.count == dimension, "solving a \(dimension) x \(dimension) system with a right-hand side of length \(b.count)")
    return solve(Matrix(column: b)).elements
  }

  /// `A` reconstructed as `LLᵀ` (useful for tests and diagnostics).
  public func reconstructed() -> Matrix { lower.multiplied(byTransposeOf: lower) }
}

extension Matrix {
  /// The Cholesky factorization of this symmetric positive definite matrix (LAPACK `dpotrf`).
  ///
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(minor:)`` or ``LinearAlgebraError/nonFinite``.
  public func cholesky() throws(LinearAlgebraError) -> Cholesky { try Cholesky(self) }
}
