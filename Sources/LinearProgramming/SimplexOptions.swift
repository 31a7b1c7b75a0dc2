/// How to solve a linear program.
public struct SimplexOptions: Sendable, Equatable {
  /// The algorithm GLPK runs.
  public enum Method: Sendable, Equatable {
    /// Primal simplex in floating point (`glp_simplex`, `GLP_PRIMAL`).
    case primal
    /// Dual simplex in floating point, falling back to primal (`GLP_DUALP`).
    case dual
    /// GLPK's exact simplex in rational arithmetic (`glp_exact`), warm-started by a floating
    /// point solve. Inputs are converted to rationals exactly (doubles are dyadic rationals).
    case exact
  }

  public var method: Method
  /// Run GLPK's LP presolver. Changes how infeasibility is reported internally; both paths are
  /// mapped to the same `LPOutcome`.
  public var presolve: Bool
  /// Simplex iteration limit (`it_lim`), `nil` for none.
  public var iterationLimit: Int?
  /// Time limit in seconds (`tm_lim`), `nil` for none.
  public var timeLimit: Double?
  /// Whether an infeasible outcome should carry a Farkas certificate (costs one extra LP).
  public var wantsCertificate: Bool

  public init(
    method: Method = .dual, presolve: Bool = false, iterationLimit: Int? = nil,
    timeLimit: Double? = nil, wantsCertificate: Bool = true
  ) {
    self.method = method
    self.presolve = presolve
    self.iterationLimit = iterationLimit
    self.timeLimit = timeLimit
    self.wantsCertificate = wantsCertificate
  }
}
