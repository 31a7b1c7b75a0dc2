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

/// Options for ``MultinomialLogisticRegression/fit(_:labels:weights:options:progress:)``.
public struct LogisticRegressionFitOptions: Sendable, Equatable {
  /// The optimizer.
  public enum Solver: Sendable, Equatable {
    /// Newton's method: the exact Hessian (`dsyrk`) factored by Cholesky (`dpotrf`/`dpotrs`),
    /// with Levenberg damping if the Hessian is not numerically positive definite and a
    /// backtracking Armijo line search. Quadratic convergence; `O(n p² + p³)` per iteration for
    /// `p = (K−1)(d+1)` parameters. The default.
    case newton
    /// Limited-memory BFGS with `memory` correction pairs and a weak-Wolfe line search
    /// (`O(n p)` per iteration). For many parameters, and as an independent check of Newton.
    case lbfgs(memory: Int)
  }

  /// The optimizer (default ``Solver/newton``).
  public var solver: Solver
  /// Stop with ``FitReport/Termination/maximumIterations`` after this many iterations.
  public var maximumIterations: Int
  /// Converged when `‖∇J(θ)‖₂ <= gradientTolerance · max(1, ‖∇J(θ₀)‖₂)`.
  public var gradientTolerance: Double

  /// Creates options; the defaults are Newton, 100 iterations, tolerance `1e-10`.
  public init(solver: Solver = .newton, maximumIterations: Int = 100, gradientTolerance: Double = 1e-10) {
    self.solver = solver
    self.maximumIterations = maximumIterations
    self.gradientTolerance = gradientTolerance
  }
}
