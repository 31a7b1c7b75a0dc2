extension FarkasCertificate {
  /// Multipliers and combined coefficients smaller than this fraction of their scale are treated
  /// as rounding noise by `verify(against:)` (about 4500 ulps of 1).
  public static let negligibleRelativeMagnitude = 1e-12

  /// The infeasibility gap `L(y) - U(y)` of these multipliers for `lp`, computed in Swift
  /// independently of GLPK. A positive value proves that `lp` (or, for an integer program, its
  /// LP relaxation) has no feasible point.
  ///
  /// With `y` the row multipliers and `g = Aᵀy` (`g_j = Σ_i y_i a_ij`):
  ///
  ///     L(y) = Σ_i min(y_i lo_i, y_i hi_i)       (row bounds)
  ///     U(y) = Σ_j max(g_j lo_j, g_j hi_j)       (variable bounds: the box is not a row)
  ///
  /// For `x` in the box, `y·(Ax) = g·x <= U(y)`; if `x` also satisfies every row then
  /// `y·(Ax) >= L(y)`. So `L(y) > U(y)` rules out every `x`. A product with an infinite bound
  /// counts as `±infinity` unless its multiplier is exactly zero, so a multiplier pointing at a
  /// missing bound makes the gap `-infinity` (no proof).
  ///
  /// Rounding: let `s = max_i |y_i|`. Multipliers with `|y_i| <= 1e-12 s` are treated as 0, and
  /// a combined coefficient `g_j` paired with an *infinite* bound is treated as 0 when
  /// `|g_j| <= 1e-12 Σ_i |y_i a_ij|`, because cancellation in floating point leaves such residues
  /// where the exact sum is 0. (A finite bound uses `g_j` as computed.) A positive gap therefore
  /// proves infeasibility of `lp` up to relative perturbations of `1e-12` in the multipliers and
  /// the columns of unbounded variables; a gap that is large compared with the data is a proof
  /// for all practical purposes.
  ///
  /// Returns `-infinity` (no proof) when the number of multipliers differs from the number of
  /// rows, a multiplier is not finite, all multipliers are zero, or a term's variable index is
  /// out of range; NaN bounds propagate to NaN.
  public func verify(against lp: LinearProgram) -> Double {
    let y = rowMultipliers
    guard y.count == lp.constraints.count else { return -.infinity }
    var scale = 0.0
    for value in y {
      guard value.isFinite else { return -.infinity }
      scale = max(scale, abs(value))
    }
    guard scale > 0 else { return -.infinity }
    let threshold = Self.negligibleRelativeMagnitude * scale
    let n = lp.variables.count

    var lower = 0.0  // L(y)
    var g = [Double](repeating: 0, count: n)
    var magnitude = [Double](repeating: 0, count: n)
    for (i, row) in lp.constraints.enumerated() {
      let yi = abs(y[i]) <= threshold ? 0 : y[i]
      if yi == 0 { continue }
      lower += yi > 0 ? yi * row.bounds.lowerValue : yi * row.bounds.upperValue
      for term in row.terms {
        guard term.variable >= 0 && term.variable < n else { return -.infinity }
        let product = yi * term.coefficient
        g[term.variable] += product
        magnitude[term.variable] += abs(product)
      }
    }

    var upper = 0.0  // U(y)
    for (j, variable) in lp.variables.enumerated() {
      let gj = g[j]
      if gj == 0 { continue }
      let bound = gj > 0 ? variable.bounds.upperValue : variable.bounds.lowerValue
      if !bound.isFinite && abs(gj) <= Self.negligibleRelativeMagnitude * magnitude[j] { continue }
      upper += gj * bound
    }
    return lower - upper
  }
}
