/// How an inverse-Hessian-vector product (IHVP) `x ≈ H⁻¹v` is computed, where `H = ∇²_BB J(θ̂)` is
/// the Hessian of the model's (mean-normalized, regularized) training objective `J` restricted to
/// the parameter block. See Docs/influence.md for the convergence conditions.
public enum InverseHessianMethod: Sendable, Hashable, CustomStringConvertible {
  /// Dense `H` (`model.hessian`) and a Cholesky solve (LAPACK `dpotrf`/`dpotrs`). If `H` is not
  /// numerically positive definite, `δI` is added with `δ = 1e-10·mean|diag H|`, growing 10× per
  /// attempt; the damping is reported in ``InverseHessianResult``.
  case exact
  /// Conjugate gradients on exact Hessian-vector products, started at 0, stopped when the true
  /// relative residual `‖Hx − v‖/‖v‖ ≤ tolerance`; throws after `maxIterations` HVPs otherwise.
  case conjugateGradient(tolerance: Double, maxIterations: Int)
  /// LiSSA (seed 004 App. C; Agarwal et al.): `r₀ = v`, `r_j = v + (1 − damping) r_{j−1} −
  /// H_{B_j} r_{j−1} / scale` on mini-batches `B_j` of `batchSize` rows drawn with replacement
  /// (SplitMix64 seeded by `seed`), `depth` steps, result `r_depth / scale` averaged over `repeats`.
  /// Its fixed point is `(H + damping·scale·I)⁻¹ v`; it converges when `scale > λ_max(H)`.
  case lissa(damping: Double, scale: Double, depth: Int, repeats: Int, batchSize: Int, seed: UInt64)
  /// Diagonal empirical Fisher with damping (seed 001 App. A):
  /// `H ≈ diag(Σ_i ŵ_i g_i ⊙ g_i) + damping·I`, `ŵ_i = w_i/Σw`, `g_i = ∇_B ℓ_i(θ̂)`.
  case diagonalFisher(damping: Double)

  /// Whether this is ``diagonalFisher(damping:)``.
  var isDiagonalFisher: Bool {
    if case .diagonalFisher = self { return true }
    return false
  }

  /// A short name for reports.
  public var description: String {
    switch self {
    case .exact: "exact"
    case .conjugateGradient(let tol, let maxIt): "cg(tol=\(tol), maxIter=\(maxIt))"
    case .lissa(let d, let s, let depth, let r, let b, let seed):
      "lissa(damping=\(d), scale=\(s), depth=\(depth), repeats=\(r), batch=\(b), seed=\(seed))"
    case .diagonalFisher(let d): "diagonalFisher(damping=\(d))"
    }
  }
}

/// The result of one inverse-Hessian-vector product.
public struct InverseHessianResult: Sendable, Equatable {
  /// `x ≈ H⁻¹v` (length `|block|`).
  public var vector: [Double]
  /// The method that produced it.
  public var method: InverseHessianMethod
  /// Hessian-vector products (CG), recursion steps × repeats (LiSSA), 0 for direct methods.
  public var iterations: Int
  /// `‖Hx − v‖/‖v‖` against the *undamped* exact Hessian (the cached dense `H` for `.exact`,
  /// otherwise one extra full-data HVP), 0 for `v = 0`.
  public var residual: Double
  /// Whether the method met its own convergence condition (see ``InverseHessianMethod``; for
  /// LiSSA: finite iterates and `‖(H + δI)x − v‖/‖v‖ ≤ 0.05` with `δ = damping·scale`).
  public var converged: Bool
  /// The `δ` effectively added to the diagonal of `H` (0 if none).
  public var dampingAdded: Double
  /// Why damping was added (nil if none).
  public var dampingReason: String?

  public init(
    vector: [Double], method: InverseHessianMethod, iterations: Int, residual: Double, converged: Bool,
    dampingAdded: Double, dampingReason: String?
  ) {
    self.vector = vector
    self.method = method
    self.iterations = iterations
    self.residual = residual
    self.converged = converged
    self.dampingAdded = dampingAdded
    self.dampingReason = dampingReason
  }
}
