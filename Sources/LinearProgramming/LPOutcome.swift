/// What a solve found. Infeasible and unbounded programs are answers, not errors.
public enum LPOutcome: Sendable, Equatable {
  /// An optimal solution (for integer programs: an optimal integer solution).
  case optimal(LPSolution)
  /// No point satisfies the constraints. The certificate, when present, proves it and can be
  /// checked with `FarkasCertificate.verify(against:)` independently of GLPK.
  case infeasible(FarkasCertificate?)
  /// The objective is unbounded in the optimization direction.
  case unbounded

  /// The solution if optimal.
  public var solution: LPSolution? {
    if case .optimal(let s) = self { return s }
    return nil
  }

  /// Whether the program is infeasible.
  public var isInfeasible: Bool {
    if case .infeasible = self { return true }
    return false
  }
}

/// An optimal primal solution with its duals.
public struct LPSolution: Sendable, Equatable {
  /// Objective value `c·x + c0` as reported by the solver.
  public var objective: Double
  /// Primal values, one per variable (0-based, in the order variables were added).
  public var values: [Double]
  /// Row activities `a_i·x`, one per constraint.
  public var rowActivities: [Double]
  /// Row duals (shadow prices), one per constraint; empty for integer programs. GLPK's sign
  /// convention: `∂(optimum)/∂(active row bound)`, so for a minimization `y_i >= 0` at an active
  /// lower bound and `<= 0` at an active upper bound, reversed for a maximization (see
  /// `OptimalityCheck`). The corresponding GLPK routine is `glp_get_row_dual`.
  public var rowDuals: [Double]
  /// Column reduced costs `d = c - Aᵀy`, one per variable; empty for integer programs. Same sign
  /// convention as `rowDuals`. The corresponding GLPK routine is `glp_get_col_dual`.
  public var reducedCosts: [Double]

  /// Creates a solution from its parts (normally produced by `solve(_:options:)`).
  public init(
    objective: Double, values: [Double], rowActivities: [Double], rowDuals: [Double],
    reducedCosts: [Double]
  ) {
    self.objective = objective
    self.values = values
    self.rowActivities = rowActivities
    self.rowDuals = rowDuals
    self.reducedCosts = reducedCosts
  }
}

/// A Farkas certificate of infeasibility: multipliers `y` (one per constraint row) such that
/// the combined row `y·A` cannot reach the range that the rows' bounds force on it.
///
/// For any `x` in the variable box, with `g = Aᵀy`:
///
///     y·(A x) = g·x  <=  U(y) = Σ_j max(g_j lo_j, g_j hi_j)
///     y·(A x)        >=  L(y) = Σ_i min(y_i lo_i, y_i hi_i)    when A x satisfies the rows
///
/// so `L(y) - U(y) > 0` proves that no feasible `x` exists. Products with an infinite bound
/// count as `±infinity` unless their multiplier is exactly zero. `verify(against:)` computes the
/// gap; `solve` reads `y` from GLPK's dual ray when the dual simplex ends infeasible
/// (`FarkasCertificate.ray`), otherwise takes the row duals of an elastic phase-one LP (GLPK's
/// sign convention for a minimization: `y_i > 0` pushes against `lo_i`, `y_i < 0` against
/// `hi_i`); either is returned only after `verify(against:)` gives a positive gap.
public struct FarkasCertificate: Sendable, Equatable {
  /// One multiplier per constraint row.
  public var rowMultipliers: [Double]

  /// Creates a certificate from one multiplier per constraint row.
  public init(rowMultipliers: [Double]) {
    self.rowMultipliers = rowMultipliers
  }
}
