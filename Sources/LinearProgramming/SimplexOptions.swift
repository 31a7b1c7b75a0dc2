/// How to solve a linear program.
public struct SimplexOptions: Sendable, Equatable {
  /// The algorithm GLPK runs.
  public enum Method: Sendable, Equatable {
    /// Primal simplex in floating point (`glp_simplex`, `GLP_PRIMAL`).
    case primal
    /// Dual simplex in floating point, falling back to primal (`GLP_DUALP`).
    case dual
    /// GLPK's exact simplex in rational arithmetic (`glp_exact`), warm-started by a floating
    /// point solve (`glp_simplex`, dual, no presolve; `presolve` is ignored).
    ///
    /// GLPK 5.0 does *not* convert the input doubles to the dyadic rationals they equal: it
    /// replaces each non-integral value by a nearby simple fraction within a relative error of
    /// 1e-9 (so `0.1 + 0.2` is read as exactly `3/10`, and `0.333…` as `1/3`), solves that
    /// program exactly and rounds the answer to doubles. The result is exact for "nice" data
    /// (small integers and short fractions, the intended use: optima such as `1/3` come out as
    /// the nearest double), but for arbitrary doubles it is exact for data perturbed by up to
    /// 1e-9 relative: it may then violate the caller's rows by about that much, and a program
    /// feasible only thanks to rounding (for example an over-determined system of equalities)
    /// can be reported infeasible. Not available for integer programs (ignored there).
    case exact
  }

  /// The algorithm (default `.dual`).
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

  /// Creates options; the defaults are the dual simplex without presolve, no limits, and
  /// certificates for infeasible programs.
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
