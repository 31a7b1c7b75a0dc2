import RealModule

/// Tolerances used across the test suite, each with its reason.
public enum Tolerance {
  /// LP optima that are exact in theory, compared with a closed form: GLPK's simplex works to
  /// about 1e-9 primal feasibility on problems scaled to probabilities in [0, 1].
  public static let linearProgram = 1e-7
  /// Closed-form rational expressions evaluated in double precision and compared with each other
  /// (a few dozen flops): `sqrt(ulpOfOne)`, "about half the digits", as swift-numerics argues.
  public static let composed = Double.ulpOfOne.squareRoot()
  /// Values that should agree to rounding of a short sum of probabilities.
  public static let tight = 1e-12
}

/// Returns `nil` when `a` and `b` agree elementwise within `absolute` or `relative` tolerance,
/// otherwise a message naming the first index, both values and the relative error.
public func mismatch(
  _ a: [Double], _ b: [Double], absolute: Double, relative: Double = 0
) -> String? {
  guard a.count == b.count else { return "length \(a.count) != \(b.count)" }
  for i in a.indices
  where !a[i].isApproximatelyEqual(
    to: b[i], absoluteTolerance: absolute, relativeTolerance: max(relative, Double.ulpOfOne))
  {
    let rel = abs(a[i] - b[i]) / max(abs(a[i]), abs(b[i]), .leastNormalMagnitude)
    return "index \(i): \(a[i]) vs \(b[i]) (abs err \(abs(a[i] - b[i])), rel err \(rel))"
  }
  return nil
}

/// Central finite differences `(f(θ + h e_j) − f(θ − h e_j)) / 2h` for every coordinate `j`: the
/// independent route every exact gradient is checked against.
public func centralDifferences(at theta: [Double], step h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
  theta.indices.map { j in
    var plus = theta
    var minus = theta
    plus[j] += h
    minus[j] -= h
    return (f(plus) - f(minus)) / (2 * h)
  }
}
