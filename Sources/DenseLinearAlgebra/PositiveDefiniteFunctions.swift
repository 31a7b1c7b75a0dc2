/// Spectral functions of symmetric positive definite matrices, through the symmetric
/// eigendecomposition `A = V diag(λ) Vᵀ` (LAPACK `dsyevd`, ``SymmetricEigendecomposition``):
/// `f(A) = V diag(f(λ)) Vᵀ`. Used for the Gaussian optimal-transport (W2) map
/// `M = S^(-1/2) (S^(1/2) S̃ S^(1/2))^(1/2) S^(-1/2)` in `OptimalSteering`.
///
/// Positive definiteness is checked on the spectrum: every eigenvalue must exceed
/// `n · ε · λ_max` (the rounding level of `dsyevd` on an `n x n` matrix), otherwise the matrix is
/// reported as not positive definite instead of producing huge or non-finite entries.
extension Matrix {
  /// The symmetric positive definite square root `A^(1/2)` (the unique SPD `R` with `R R = A`).
  ///
  /// - Throws: ``LinearAlgebraError/nonFinite`` on NaN or infinite entries;
  ///   ``LinearAlgebraError/notPositiveDefiniteSpectrum(smallestEigenvalue:largestEigenvalue:)``
  ///   when an eigenvalue is not positive; ``LinearAlgebraError/didNotConverge(routine:info:)``.
  /// - Precondition: square. Only the lower triangle is read (the matrix is taken as symmetric).
  public func positiveDefiniteSquareRoot() throws(LinearAlgebraError) -> Matrix {
    try positiveDefiniteSpectrum().applying { $0.squareRoot() }.symmetrized()
  }

  /// The inverse of the symmetric positive definite square root, `A^(-1/2)`.
  ///
  /// - Throws: as ``positiveDefiniteSquareRoot()``.
  /// - Precondition: square.
  public func positiveDefiniteInverseSquareRoot() throws(LinearAlgebraError) -> Matrix {
    try positiveDefiniteSpectrum().applying { 1 / $0.squareRoot() }.symmetrized()
  }

  /// The eigendecomposition, after checking that every eigenvalue is safely positive.
  private func positiveDefiniteSpectrum() throws(LinearAlgebraError) -> SymmetricEigendecomposition {
    precondition(isSquare, "matrix function of a \(rows) x \(columns) matrix")
    let eigen = try symmetricEigen()
    guard let smallest = eigen.eigenvalues.first, let largest = eigen.eigenvalues.last else { return eigen }
    let floor = Double(rows) * Double.ulpOfOne * Swift.max(abs(largest), Double.leastNormalMagnitude)
    guard smallest > floor else {
      throw .notPositiveDefiniteSpectrum(smallestEigenvalue: smallest, largestEigenvalue: largest)
    }
    return eigen
  }
}
