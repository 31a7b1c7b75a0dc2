public import FailureReporting

/// A data condition that makes an influence computation impossible or untrustworthy.
///
/// The engine never returns a silently wrong vector: an iterative solver that does not reach its
/// tolerance throws ``didNotConverge(method:iterations:residual:)``, a Hessian that cannot be made
/// positive definite by bounded damping throws ``notPositiveDefinite(dampingTried:)``.
public enum InfluenceError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The Hessian (or its approximation) is not positive definite even after adding each damping
  /// `δ` in `dampingTried` to its diagonal (`[]` when no damping applies, e.g. CG met a direction
  /// of non-positive curvature).
  case notPositiveDefinite(dampingTried: [Double])
  /// An iterative inverse-Hessian-vector product did not converge: `residual` is the final
  /// `‖Hx − v‖/‖v‖` (`.infinity` if the iterates diverged or became non-finite).
  case didNotConverge(method: InverseHessianMethod, iterations: Int, residual: Double)
  /// The fairness target is undefined on the given validation data (e.g. a group with no
  /// positives for equal opportunity); `reason` names the group and the missing cell.
  case undefinedTarget(reason: String)
  /// Lengths or shapes of the inputs disagree; the message names them.
  case shapeMismatch(String)

  /// A one-line English description.
  public var description: String {
    switch self {
    case .notPositiveDefinite(let tried):
      "Hessian is not positive definite (damping tried: \(tried))"
    case .didNotConverge(let method, let iterations, let residual):
      "\(method) did not converge after \(iterations) iterations (relative residual \(residual))"
    case .undefinedTarget(let reason): "fairness target undefined: \(reason)"
    case .shapeMismatch(let message): "shape mismatch: \(message)"
    }
  }
}

extension InfluenceError: ClassifiedError {
  /// A fairness target undefined on the data (a group without positives) is bad input (exit 2);
  /// an indefinite Hessian, a solver that did not converge and a shape mismatch are internal
  /// failures (exit 3).
  public var failureKind: FailureKind {
    switch self {
    case .undefinedTarget: .badInput
    case .notPositiveDefinite, .didNotConverge, .shapeMismatch: .internalFailure
    }
  }
}
