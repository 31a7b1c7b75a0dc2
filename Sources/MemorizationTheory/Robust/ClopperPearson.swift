import FairnessStatistics
import RealModule

/// The regularized incomplete beta function and its inverse, for exact binomial intervals.
///
/// `I_x(a, b) = B(x; a, b) / B(a, b)`, the CDF of the Beta(a, b) law at x. Evaluated by the
/// continued fraction of `x^a (1-x)^b / (a B(a, b))` (modified Lentz), on the side of the mean
/// where it converges fast (`I_x(a, b) = 1 - I_{1-x}(b, a)`); the prefactor is formed in logs
/// with `logGamma` (swift-numerics) so that counts in the hundreds of thousands neither overflow
/// nor underflow. The inverse (the Beta quantile) is the bisection on `[0, 1]` that cannot fail
/// (the CDF is monotone, and 1100 halvings reach the smallest double), started at the dyadic
/// cell it would reach anyway when a cheap approximation locates it (see `quantile`).
public enum IncompleteBeta {
  /// `I_x(a, b)` for `a, b > 0`, `x in [0, 1]`.
  public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
    precondition(a > 0 && b > 0 && x >= 0 && x <= 1, "incomplete beta arguments out of range")
    return CDF(a: a, b: b)(x)
  }

  /// `I_x(a, b)` for fixed `a, b`, with the three `logGamma` values of its prefactor computed
  /// once (the same operations in the same order as evaluating them at each call, so the same
  /// doubles).
  struct CDF {
    let a: Double
    let b: Double
    let logGammaA: Double
    let logGammaB: Double
    let logGammaSum: Double

    init(a: Double, b: Double) {
      self.a = a
      self.b = b
      logGammaA = Double.logGamma(a)
      logGammaB = Double.logGamma(b)
      logGammaSum = Double.logGamma(a + b)
    }

    func callAsFunction(_ x: Double) -> Double {
      Self.value(x, a: a, b: b, logGammaA: logGammaA, logGammaB: logGammaB, logGammaSum: logGammaSum)
    }

    private static func value(
      _ x: Double, a: Double, b: Double, logGammaA: Double, logGammaB: Double, logGammaSum: Double
    ) -> Double {
      if x == 0 { return 0 }
      if x == 1 { return 1 }
      if x > (a + 1) / (a + b + 2) {
        return 1 - value(1 - x, a: b, b: a, logGammaA: logGammaB, logGammaB: logGammaA, logGammaSum: logGammaSum)
      }
      let logPrefactor = a * Double.log(x) + b * Double.log(onePlus: -x) + logGammaSum - logGammaA - logGammaB
      return Double.exp(logPrefactor) * continuedFraction(x, a: a, b: b) / a
    }

    /// The Beta density `x^(a-1) (1-x)^(b-1) / B(a, b)` (for the Newton steps of the start).
    func density(_ x: Double) -> Double {
      Double.exp(
        (a - 1) * Double.log(x) + (b - 1) * Double.log(onePlus: -x) + logGammaSum - logGammaA - logGammaB)
    }
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
  ///
  /// The bisection on `[0, 1]` keeps `I_lo < q <= I_hi` and after m halvings holds the dyadic
  /// cell `[j 2^-m, (j+1) 2^-m]` (its midpoints are exact until the ends are neighbouring
  /// doubles). A few Halley steps from the usual closed-form guess (normal approximation for
  /// `a, b >= 1`, the power-law tails otherwise) give `x0`; the cell of width `2^(e-24)` (then
  /// `2^(e-12)`) containing `x0 = f 2^e` is taken when the CDF at its ends is below and above q
  /// by a margin (`1e-7 min(q, 1-q)` plus 4 ulps of q) far larger than the CDF's rounding, so
  /// that every coarser midpoint, which lies outside the cell, falls on the side it would in the
  /// plain bisection: the halvings from that cell are then the plain bisection's own, and so is
  /// the result. Otherwise the bisection starts at `[0, 1]`.
  public static func quantile(_ q: Double, a: Double, b: Double) -> Double {
    precondition(q >= 0 && q <= 1 && a > 0 && b > 0, "beta quantile arguments out of range")
    if q == 0 { return 0 }
    if q == 1 { return 1 }
    let cdf = CDF(a: a, b: b)
    var (lo, hi, halvings) = (0.0, 1.0, 0)
    if let cell = startingCell(q, cdf) { (lo, hi, halvings) = cell }
    for _ in halvings..<1100 {
      let mid = 0.5 * (lo + hi)
      guard mid > lo && mid < hi else { break }
      if cdf(mid) < q { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
  }

  /// The plain bisection's cell after `halvings` halvings, when an approximation finds it and
  /// the CDF at its ends confirms it with a margin (see `quantile`); nil otherwise.
  static func startingCell(_ q: Double, _ cdf: CDF) -> (lo: Double, hi: Double, halvings: Int)? {
    guard let x0 = approximateQuantile(q, cdf), x0 > 0, x0 < 1 else { return nil }
    let margin = 1e-7 * min(q, 1 - q) + 4 * q.ulp
    for bits in [24, 12] {
      let exponent = Int(x0.exponent) - bits
      let width = Double(sign: .plus, exponent: exponent, significand: 1)
      let lo = (x0 / width).rounded(.down) * width
      let hi = lo + width
      guard hi <= 1, cdf(lo) < q - margin, cdf(hi) > q + margin else { continue }
      return (lo, hi, -exponent)
    }
    return nil
  }

  /// An approximate `q`-quantile: the closed-form guess of Numerical Recipes' `invbetai`
  /// (Abramowitz and Stegun 26.5.22 for `a, b >= 1`; else the power-law tails
  /// `I_x ≈ x^a / (a w)` near 0 and `1 - (1-x)^b / (b w)` near 1) refined by at most 8 Halley
  /// steps `x -= u / (1 - min(1, u ((a-1)/x - (b-1)/(1-x))) / 2)`, `u = (I_x - q) / density`.
  /// Nil when it leaves `(0, 1)` or is not a number; only a starting point, never the answer.
  static func approximateQuantile(_ q: Double, _ cdf: CDF) -> Double? {
    let (a, b) = (cdf.a, cdf.b)
    var x: Double
    if a >= 1 && b >= 1 {
      let tail = q < 0.5 ? q : 1 - q
      let t = (-2 * Double.log(tail)).squareRoot()
      var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
      if q < 0.5 { z = -z }
      let al = (z * z - 3) / 6
      let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
      let w = z * (al + h).squareRoot() / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h))
      x = a / (a + b * Double.exp(2 * w))
    } else {
      let t = Double.exp(a * Double.log(a / (a + b))) / a
      let u = Double.exp(b * Double.log(b / (a + b))) / b
      let w = t + u
      x = q < t / w ? Double.pow(a * w * q, 1 / a) : 1 - Double.pow(b * w * (1 - q), 1 / b)
    }
    for _ in 0..<8 {
      guard x.isFinite, x > 0, x < 1 else { return nil }
      let density = cdf.density(x)
      guard density > 0, density.isFinite else { return x }
      let u = (cdf(x) - q) / density
      let step = u / (1 - 0.5 * min(1, u * ((a - 1) / x - (b - 1) / (1 - x))))
      var next = x - step
      if next <= 0 { next = 0.5 * x }
      if next >= 1 { next = 0.5 * (x + 1) }
      let done = abs(next - x) < 1e-10 * x
      x = next
      if done { break }
    }
    return x.isFinite && x > 0 && x < 1 ? x : nil
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
