#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `log(k!)`: exact sums of logarithms below 128, Stirling's series with three correction terms
/// from there on (truncation error below `1/(1680 k^7)`, under 1e-18 at k = 128). Pure and
/// thread-safe (libm's `lgamma` writes the global `signgam`).
public func logFactorial(_ k: Int) -> Double {
  precondition(k >= 0, "log factorial of a negative number")
  if k < LogFactorialTable.values.count { return LogFactorialTable.values[k] }
  let n = Double(k)
  let inverse = 1 / n
  let inverse2 = inverse * inverse
  let series = inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 / 1260))
  return (n + 0.5) * log(n) - n + 0.918_938_533_204_672_7 + series  // 0.5 log(2π)
}

private enum LogFactorialTable {
  static let values: [Double] = {
    var table = [0.0]
    for i in 1..<128 { table.append(table[i - 1] + log(Double(i))) }
    return table
  }()
}

extension RandomNumberGenerator {
  /// A uniform draw in the open interval (0, 1) (53 random bits, offset by half a step).
  mutating func nextOpenUnit() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// A binomial draw: successes in `trials` independent trials of probability `probability`.
  ///
  /// Inversion (walking the probability function from 0) when `trials · min(p, 1 - p) < 10`,
  /// otherwise Hörmann's transformed rejection with squeeze (BTRS, "The generation of binomial
  /// random variates", 1993), whose expected cost does not grow with `trials`. Probabilities above
  /// 1/2 draw the failures instead, so both branches work with `p <= 1/2`.
  public mutating func nextBinomial(trials n: Int, probability: Double) -> Int {
    precondition(n >= 0 && probability >= 0 && probability <= 1, "binomial parameters out of range")
    if n == 0 || probability == 0 { return 0 }
    if probability == 1 { return n }
    if probability > 0.5 { return n - nextBinomial(trials: n, probability: 1 - probability) }
    let p = probability
    let q = 1 - p
    if Double(n) * p < 10 {
      // Inversion: P(0) = q^n, P(k+1) = P(k) (n - k) p / ((k + 1) q).
      while true {
        var u = nextOpenUnit()
        var k = 0
        var mass = exp(Double(n) * log1p(-p))
        let ratio = p / q
        while u > mass {
          u -= mass
          mass *= Double(n - k) * ratio / Double(k + 1)
          k += 1
          if k > n { break }  // rounding left u above the total mass: draw again
        }
        if k <= n { return k }
      }
    }
    let spq = (Double(n) * p * q).squareRoot()
    let b = 1.15 + 2.53 * spq
    let a = -0.0873 + 0.0248 * b + 0.01 * p
    let c = Double(n) * p + 0.5
    let acceptBox = 0.92 - 4.2 / b
    let alpha = (2.83 + 5.1 / b) * spq
    let logOdds = log(p / q)
    let mode = Int((Double(n + 1) * p).rounded(.down))
    let logModeTerm = logFactorial(mode) + logFactorial(n - mode)
    while true {
      let u = nextOpenUnit() - 0.5
      var v = nextOpenUnit()
      let us = 0.5 - abs(u)
      let kReal = ((2 * a / us + b) * u + c).rounded(.down)
      guard kReal >= 0, kReal <= Double(n) else { continue }
      let k = Int(kReal)
      if us >= 0.07 && v <= acceptBox { return k }
      v = log(v * alpha / (a / (us * us) + b))
      if v <= logModeTerm - logFactorial(k) - logFactorial(n - k) + Double(k - mode) * logOdds { return k }
    }
  }

  /// A multinomial draw of `trials` items over categories with the given nonnegative weights
  /// (not all zero), by conditional binomials: category i receives
  /// `Binomial(remaining trials, w_i / remaining weight)`. Cost grows with the number of
  /// categories, not with `trials`.
  public mutating func nextMultinomial(trials: Int, weights: [Int]) -> [Int] {
    precondition(trials >= 0 && weights.allSatisfy { $0 >= 0 }, "multinomial parameters out of range")
    var remainingWeight = weights.reduce(0, +)
    precondition(remainingWeight > 0, "multinomial weights are all zero")
    var remaining = trials
    var draw = [Int](repeating: 0, count: weights.count)
    for (i, weight) in weights.enumerated() where weight > 0 {
      if remaining == 0 { break }
      if weight == remainingWeight {
        draw[i] = remaining
        remaining = 0
        break
      }
      let k = nextBinomial(trials: remaining, probability: Double(weight) / Double(remainingWeight))
      draw[i] = k
      remaining -= k
      remainingWeight -= weight
    }
    return draw
  }

  /// A Gamma(shape, 1) draw by Marsaglia and Tsang's squeeze method ("A simple method for
  /// generating gamma variables", 2000); shapes below 1 use `Gamma(shape + 1) · U^(1/shape)`.
  public mutating func nextGamma(shape: Double) -> Double {
    precondition(shape > 0 && shape.isFinite, "gamma shape must be positive")
    if shape < 1 {
      let boosted = nextGamma(shape: shape + 1)
      return boosted * exp(log(nextOpenUnit()) / shape)
    }
    let d = shape - 1.0 / 3
    let c = 1 / (9 * d).squareRoot()
    while true {
      let x = nextStandardNormal()
      let base = 1 + c * x
      guard base > 0 else { continue }
      let v = base * base * base
      let u = nextOpenUnit()
      if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
    }
  }

  /// A Dirichlet draw with the given positive concentrations (normalized Gamma draws).
  public mutating func nextDirichlet(_ concentrations: [Double]) -> [Double] {
    let gammas = concentrations.map { nextGamma(shape: $0) }
    let total = gammas.reduce(0, +)
    return gammas.map { $0 / total }
  }
}
