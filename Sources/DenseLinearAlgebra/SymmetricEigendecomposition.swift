internal import CLAPACKE

/// The eigendecomposition `A = V diag(λ) Vᵀ` of a real symmetric matrix.
///
/// Eigenvalues are real and sorted **ascending**; `eigenvectors` is orthogonal and its column `k`
/// is a unit eigenvector for `eigenvalues[k]`. The sign of each eigenvector is whatever LAPACK
/// returns (eigenvectors are defined only up to sign).
///
/// The corresponding LAPACK routine is `dsyevd` (divide and conquer).
public struct SymmetricEigendecomposition: Sendable, Equatable {
  /// The eigenvalues in ascending order.
  public let eigenvalues: [Double]
  /// The orthogonal matrix `V` whose columns are the eigenvectors.
  public let eigenvectors: Matrix

  /// Computes all eigenvalues and eigenvectors of a symmetric matrix; only its lower triangle is
  /// read. The corresponding LAPACK routine is `dsyevd`.
  ///
  /// - Throws: ``LinearAlgebraError/didNotConverge(routine:info:)`` if `dsyevd` fails to converge
  ///   (`info > 0`); ``LinearAlgebraError/nonFinite`` on NaN or infinite input.
  /// - Precondition: `matrix` is square.
  public init(_ matrix: Matrix) throws(LinearAlgebraError) {
    precondition(matrix.isSquare, "eigendecomposition of a \(matrix.rows) x \(matrix.columns) matrix")
    guard matrix.isFinite else { throw .nonFinite }
    let n = matrix.rows
    var vectors = matrix
    var values = Array(repeating: 0.0, count: n)
    if n > 0 {
      let cn = cInt(n)
      let info = RowChunks.withBLASThreads(threaded: n > RowChunks.singleThreadedFactorLimit) {
        vectors.withMutableStorage { pa in
          values.withUnsafeMutableBufferPointer { pw in
            LAPACKE_dsyevd(lapackRowMajor, flag("V"), flag("L"), cn, pa.baseAddress, cn, pw.baseAddress)
          }
        }
      }
      trapOnIllegalArgument(info, "dsyevd")
      if info > 0 { throw .didNotConverge(routine: "dsyevd", info: Int(info)) }
    }
    self.eigenvalues = values
    self.eigenvectors = vectors
  }

  /// `V diag(f(λ)) Vᵀ`: a spectral function of the matrix, e.g. `f = sqrt` for the symmetric
  /// square root of a positive semidefinite matrix or `f = { 1 / $0 }` for its inverse.
  public func applying(_ f: (Double) -> Double) -> Matrix {
    var scaledVectors = eigenvectors
    let n = eigenvalues.count
    let fValues = eigenvalues.map(f)
    for i in 0..<n {
      for k in 0..<n { scaledVectors[i, k] *= fValues[k] }
    }
    return scaledVectors.multiplied(byTransposeOf: eigenvectors)
  }

  /// `A` reconstructed as `V diag(λ) Vᵀ`.
  public func reconstructed() -> Matrix { applying { $0 } }
}

extension Matrix {
  /// The eigendecomposition of this symmetric matrix (LAPACK `dsyevd`), eigenvalues ascending.
  ///
  /// - Throws: ``LinearAlgebraError/didNotConverge(routine:info:)`` or ``LinearAlgebraError/nonFinite``.
  public func symmetricEigen() throws(LinearAlgebraError) -> SymmetricEigendecomposition {
    try SymmetricEigendecomposition(self)
  }
}
