extension FarkasCertificate {
  /// A certificate from the row multipliers of GLPK's dual ray (`GLPKProblem.dualRayRowMultipliers`):
  /// the tableau row of the basic variable the dual simplex could not bring within its bounds.
  /// Its sign depends on which bound that variable violates, so both `y` and `-y` are tried;
  /// negligible multipliers and those pointing at an infinite row bound are zeroed as for the
  /// elastic certificate, and the result is returned only if `verify(against:)` gives a positive
  /// gap. Nil otherwise: the caller then solves the elastic LP.
  ///
  /// This saves the second LP of `elastic(for:)`: the ray is read from the basis the solve ended
  /// with. The multipliers are scaled so that the largest is 1 in magnitude, as the elastic
  /// LP's are at most 1.
  static func ray(_ multipliers: [Double], for lp: LinearProgram) -> FarkasCertificate? {
    guard multipliers.count == lp.constraints.count else { return nil }
    let scale = multipliers.reduce(0) { max($0, abs($1)) }
    guard scale.isFinite, scale > 0 else { return nil }
    for sign in [1.0, -1.0] {
      if let certificate = cleaned(multipliers.map { sign * $0 / scale }, for: lp) { return certificate }
    }
    return nil
  }
}
