public import FailureReporting

/// A data condition that makes a dense linear-algebra operation impossible or meaningless.
///
/// Errors in this enum are caused by the *values* handed to an operation (a matrix that is not
/// positive definite, an exactly singular system, non-finite entries), never by the way the
/// library was called. Programming errors (mismatched shapes between two matrices inside our own
/// code, an illegal argument reported by LAPACKE as `info < 0`) are preconditions and trap.
///
/// Mapping from LAPACK's `info` output:
/// * `info < 0`: argument `-info` was illegal. This is our bug: `preconditionFailure`.
/// * `info > 0` from `dpotrf`/`dpotrs`: ``notPositiveDefinite(minor:)``.
/// * `info > 0` from `dgesv`: ``singular(pivot:)``.
/// * `info > 0` from `dsyevd`/`dgelsd`: ``didNotConverge(routine:info:)``.
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The leading principal minor of order `minor` (1-based) is not positive, so the matrix is not
  /// symmetric positive definite. Thrown by Cholesky factorization (`dpotrf`).
  case notPositiveDefinite(minor: Int)
  /// The smallest eigenvalue of a symmetric matrix is not positive (or too small relative to the
  /// largest to be distinguished from zero), so a matrix function that needs positive definiteness
  /// (square root of an inverse, inverse square root) is undefined. Thrown by
  /// ``Matrix/positiveDefiniteSquareRoot()`` and ``Matrix/positiveDefiniteInverseSquareRoot()``.
  case notPositiveDefiniteSpectrum(smallestEigenvalue: Double, largestEigenvalue: Double)
  /// `U[pivot, pivot]` (1-based) of the LU factorization is exactly zero, so the matrix is
  /// singular and the system has no unique solution. Thrown by `dgesv`.
  case singular(pivot: Int)
  /// An iterative LAPACK routine (the eigen- or singular-value solver) failed to converge;
  /// `info` is the routine's positive `info` value, whose meaning is routine specific.
  case didNotConverge(routine: String, info: Int)
  /// Shapes supplied as user data at an API boundary disagree (for example ragged rows handed to
  /// ``Matrix/init(rowArrays:)``). The message names the shapes.
  case shapeMismatch(String)
  /// An input contains NaN or an infinity. LAPACKE itself would reject such input as an illegal
  /// argument, so we check first and throw instead.
  case nonFinite

  /// A one-line English description of the error.
  public var description: String {
    switch self {
    case .notPositiveDefinite(let minor):
      "matrix is not positive definite (leading minor of order \(minor) is not positive)"
    case .notPositiveDefiniteSpectrum(let smallest, let largest):
      "matrix is not positive definite (eigenvalues range from \(smallest) to \(largest))"
    case .singular(let pivot): "matrix is singular (U[\(pivot),\(pivot)] is exactly zero)"
    case .didNotConverge(let routine, let info): "\(routine) did not converge (info = \(info))"
    case .shapeMismatch(let message): "shape mismatch: \(message)"
    case .nonFinite: "input contains NaN or infinity"
    }
  }
}

extension LinearAlgebraError: ClassifiedError {
  /// Every linear-algebra failure is internal (exit 3): FairMem validates data before it reaches
  /// a factorization, so a singular or indefinite matrix, a LAPACK breakdown, a shape mismatch or
  /// a non-finite value here is a numerical failure or our own bug, not the user's input.
  public var failureKind: FailureKind { .internalFailure }
}
