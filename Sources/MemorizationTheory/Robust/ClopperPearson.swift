import FairnessStatistics
import RealModule

/// The regularized incomplete beta function and its inverse, for exact binomial intervals.
///
/// `I_x(a, b) = B(x; a, b) / B(a, b)`, the CDF of the Beta(a, b) law at x. Evaluated by the
/// continued fraction of `x^a (1-x)^b / (a B(a, b))` (modified Lentz), on the side of the mean
/// where it converges fast (`I_x(a, b) = 1 - I_{1-x}(b, a)`); the prefactor is formed in logs
/// with `logGamma` (swift-numerics) so that counts in the hundreds of thousands neither overflow
/// nor underflow. The inverse (the Beta quantile) is found by bisection on `[0, 1]`, which is slow
/// but cannot fail: the CDF is monotone, and 1100 halvings reach the smallest double.
public enum IncompleteBeta {
  /// `I_x(a, b)` for `a, b > 0`, `x in [0, 1]`.
  public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
    precondition(a > 0 && b > 0 && x >= 0 && x <= 1, "incomplete beta arguments out of range")
    if x == 0 { return 0 }
    if x == 1 { return 1 }
    if x > (a + 1) / (a + b + 2) { return 1 - regularized(1 - x, a: b, b: a) }
    let logPrefactor =
      a * Double.log(x) + b * Double.log(onePlus: -x) + Double.logGamma(a + b) - Double.logGamma(a)
      - Double.logGamma(b)
    return Double.exp(logPrefactor) * continuedFraction(x, a: a, b: b) / a
  }

  /// The continued fraction `1 / (1 + d1 / (1 + d2 / (1 + ...)))` with
  /// `d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))`, `d_{2m} = m(b-m) x / ((a+2m-1)(a+2m))`.
  private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var value = d
    for m in 1...10_000 {
      let mm = Double(m)
      // Even step.
      var numerator = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
      d = 1 + numerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      value *= d * c
      // Odd step.
      numerator = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
      d = 1 + numerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let factor = d * c
      value *= factor
      if abs(factor - 1) < 1e-16 { break }
    }
    return value
  }

  /// The `q`-quantile of Beta(a, b): the x with `I_x(a, b) = q` (0 for q = 0, 1 for q = 1).
  public static func quantile(_ q: Double, a: Double, b: Double) -> Double {
    precondition(q >= 0 && q <= 1 && a > 0 && b > 0, "beta quantile arguments out of range")
    if q == 0 { return 0 }
    if q == 1 { return 1 }
    var lo = 0.0
    var hi = 1.0
    for _ in 0..<1100 {
      let mid = 0.5 * (lo + hi)
      guard mid > lo && mid < hi else { break }
      if regularized(mid, a: a, b: b) < q { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
  }
}

/// A two-sided Clopper-Pearson ("exact") interval for a binomial proportion.
///
/// For `k` successes in `n` trials at level `1 - alpha`:
/// `lower = Beta quantile(alpha/2; k, n - k + 1)` (0 when k = 0) and
/// `upper = Beta quantile(1 - alpha/2; k + 1, n - k)` (1 when k = n). It inverts the two one-sided
/// binomial tests, so for every true proportion the probability that the interval misses it is
/// at most alpha (not only asymptotically): the property the robust verdicts need. With n = 0 the
/// interval is [0, 1].
public struct ProportionInterval: Sendable, Equatable, Codable {
  public var successes: Int
  public var trials: Int
  public var lower: Double
  public var upper: Double

  public init(successes k: Int, trials n: Int, alpha: Double) {
    precondition(k >= 0 && n >= k && alpha > 0 && alpha < 1, "Clopper-Pearson arguments out of range")
    successes = k
    trials = n
    lower = k == 0 ? 0 : IncompleteBeta.quantile(alpha / 2, a: Double(k), b: Double(n - k + 1))
    upper = k == n ? 1 : IncompleteBeta.quantile(1 - alpha / 2, a: Double(k + 1), b: Double(n - k))
  }

  /// An interval given by its ends (used for intervals derived from others).
  public init(successes: Int, trials: Int, lower: Double, upper: Double) {
    self.successes = successes
    self.trials = trials
    self.lower = lower
    self.upper = upper
  }

  /// `k / n` (nil when n = 0).
  public var estimate: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }

  /// The interval of the complementary proportion `(n - k) / n`.
  public var complement: ProportionInterval {
    ProportionInterval(successes: trials - successes, trials: trials, lower: 1 - upper, upper: 1 - lower)
  }

  public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

  enum CodingKeys: String, CodingKey { case successes, trials, lower, upper }
}
