public import BigInt

/// An exact rational number `numerator / denominator` with arbitrary-precision integers,
/// always in lowest terms with a positive denominator.
///
/// Used for the exact mode: when statistics come as integer counts, every rate, gap, affine
/// coefficient and closed-form bound is a rational number, and FairMem reports it exactly.
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let numerator: BigInt
  public let denominator: BigInt

  /// Creates `n / d` reduced to lowest terms. `d` must be nonzero (a zero denominator is a bug
  /// in the caller: every division in FairMem is guarded by a check on the data first).
  public init(_ n: BigInt, _ d: BigInt) {
    precondition(!d.isZero, "Rational: zero denominator")
    let g = n.greatestCommonDivisor(with: d)
    let sign: BigInt = d.signum() < 0 ? -1 : 1
    numerator = sign * n / g
    denominator = sign * d / g
  }

  public init(_ n: Int, _ d: Int = 1) { self.init(BigInt(n), BigInt(d)) }

  /// `n / d` already in lowest terms with `d > 0` (no gcd: negation keeps a reduced fraction reduced).
  private init(reduced n: BigInt, _ d: BigInt) {
    numerator = n
    denominator = d
  }

  /// The exact value of a finite double (every double is a dyadic rational).
  public init(exactly value: Double) {
    precondition(value.isFinite, "Rational(exactly:) needs a finite value")
    if value == 0 {
      self.init(0)
      return
    }
    let significand = BigInt(value.significandBitPattern | (value.isNormal ? (1 << 52) : 0))
    let exponent = Int(value.isNormal ? value.exponent : Double.leastNormalMagnitude.exponent) - 52
    let signed = value < 0 ? -significand : significand
    if exponent >= 0 {
      self.init(signed << exponent, 1)
    } else {
      self.init(signed, BigInt(1) << (-exponent))
    }
  }

  /// The simplest rational within `tolerance` of `value` whose denominator is at most
  /// `maxDenominator`, found by walking the continued-fraction convergents (best rational
  /// approximations). Returns `nil` when no convergent gets that close.
  public static func approximating(
    _ value: Double, tolerance: Double, maxDenominator: BigInt = BigInt(1) << 40
  ) -> Rational? {
    guard value.isFinite else { return nil }
    let target = Rational(exactly: value)
    // Convergents h/k of the continued fraction of `target`.
    var (h0, h1): (BigInt, BigInt) = (0, 1)
    var (k0, k1): (BigInt, BigInt) = (1, 0)
    var n = target.numerator
    var d = target.denominator
    while !d.isZero {
      let (a, r) = n.quotientAndRemainder(dividingBy: d)
      // Floor division for negative values.
      let (q, rem) = r.signum() < 0 ? (a - 1, r + d) : (a, r)
      (h0, h1) = (h1, q * h1 + h0)
      (k0, k1) = (k1, q * k1 + k0)
      if k1 > maxDenominator { return nil }
      let candidate = Rational(h1, k1)
      if abs(candidate.doubleValue - value) <= tolerance { return candidate }
      (n, d) = (d, rem)
    }
    return nil
  }

  public static let zero = Rational(0)
  public static let one = Rational(1)

  public var isZero: Bool { numerator.isZero }
  public var signum: Int { Int(numerator.signum()) }

  /// The nearest double (to within about one ulp; exact for dyadic values such as
  /// `Rational(exactly:)` of any finite double, subnormals included).
  public var doubleValue: Double {
    let nBits = numerator.magnitude.bitWidth
    let dBits = denominator.magnitude.bitWidth
    if nBits < 1000 && dBits < 1000 {
      return Double(numerator) / Double(denominator)
    }
    // Keep the leading 128 bits of each part and put the binary exponent back afterwards. (A
    // common shift of both parts loses the smaller one entirely: 1e-300 came out as 0 and
    // 1e308 as infinity.)
    let nShift = max(0, nBits - 128)
    let dShift = max(0, dBits - 128)
    let quotient = Double(numerator >> nShift) / Double(denominator >> dShift)
    return Double(sign: .plus, exponent: nShift - dShift, significand: quotient)
  }

  public var description: String {
    denominator == 1 ? numerator.description : "\(numerator)/\(denominator)"
  }

  public static func + (l: Rational, r: Rational) -> Rational {
    if l.denominator == r.denominator { return Rational(l.numerator + r.numerator, l.denominator) }
    return Rational(l.numerator * r.denominator + r.numerator * l.denominator, l.denominator * r.denominator)
  }
  public static func - (l: Rational, r: Rational) -> Rational {
    if l.denominator == r.denominator { return Rational(l.numerator - r.numerator, l.denominator) }
    return Rational(l.numerator * r.denominator - r.numerator * l.denominator, l.denominator * r.denominator)
  }
  public static func * (l: Rational, r: Rational) -> Rational {
    Rational(l.numerator * r.numerator, l.denominator * r.denominator)
  }
  public static func / (l: Rational, r: Rational) -> Rational {
    precondition(!r.isZero, "Rational: division by zero")
    return Rational(l.numerator * r.denominator, l.denominator * r.numerator)
  }
  public static prefix func - (x: Rational) -> Rational { Rational(reduced: -x.numerator, x.denominator) }
  public static func < (l: Rational, r: Rational) -> Bool {
    l.numerator * r.denominator < r.numerator * l.denominator
  }
}
