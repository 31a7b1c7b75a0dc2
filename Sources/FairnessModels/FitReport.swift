/// How a deterministic optimizer ended and where.
///
/// Non-convergence is reported here, never hidden: check ``converged`` (or ``termination``) before
/// trusting an optimum, for example before using it for influence functions.
public struct FitReport: Sendable, Equatable {
  /// Why the optimizer stopped.
  public enum Termination: Sendable, Equatable {
    /// `‖∇J‖₂ <= tolerance · max(1, ‖∇J(θ₀)‖₂)`.
    case converged
    /// The iteration limit was reached first.
    case maximumIterations
    /// No step along the search direction decreased the objective (typically rounding has taken
    /// over before the requested tolerance; ``FitReport/gradientNorm`` tells how close it got).
    case lineSearchFailed
  }

  /// Iterations taken (Newton steps or L-BFGS steps).
  public var iterations: Int
  /// The objective `J` at the returned parameters.
  public var loss: Double
  /// `‖∇J‖₂` at the returned parameters.
  public var gradientNorm: Double
  /// `‖∇J‖₂` at the starting parameters.
  public var initialGradientNorm: Double
  /// Why the optimizer stopped.
  public var termination: Termination

  /// Whether the gradient-norm criterion was met.
  public var converged: Bool { termination == .converged }
}
