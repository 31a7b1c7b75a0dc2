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
