/// A hidden-layer nonlinearity `φ` with its first and second derivatives (the second is needed by
/// the exact Hessian-vector product).
public enum Activation: String, Sendable, Hashable, CaseIterable, Codable {
  /// SeLU (Klambauer et al. 2017): `φ(a) = s·a` for `a > 0`, `s·α(eᵃ − 1)` otherwise, with
  /// `s ≈ 1.0507`, `α ≈ 1.6733`. Paired with LeCun-normal initialization. (`φ'` jumps at 0; the
  /// derivatives used are the one-sided ones, exact almost everywhere.)
  case selu
  /// ReLU: `φ(a) = max(0, a)`, `φ'' = 0` almost everywhere. Paired with He-normal initialization.
  case relu
  /// `tanh`, with `φ' = 1 − φ²`, `φ'' = −2φ(1 − φ²)`. Paired with LeCun-normal initialization.
  case tanh

  /// SeLU's scale `s`.
  public static let seluScale = 1.0507009873554804934193349852946
  /// SeLU's `α`.
  public static let seluAlpha = 1.6732632423543772848170429916717

  /// `φ(a)`.
  @inline(__always)
  public func value(_ a: Double) -> Double {
    switch self {
    case .selu: Activation.selu(a)
    case .relu: a > 0 ? a : 0
    case .tanh: hyperbolicTangent(a)
    }
  }

  /// `φ(a_j)` for every entry (the case is chosen once, not per entry; SeLU evaluates `eᵃ` with
  /// ``branchFreeExponential(_:)``, a loop the compiler vectorizes).
  public func values(_ a: [Double]) -> [Double] {
    [Double](unsafeUninitializedCapacity: a.count) { out, initialized in
      a.withUnsafeBufferPointer { input in
        if let from = input.baseAddress, let to = out.baseAddress { apply(from: from, to: to, count: a.count) }
      }
      initialized = a.count
    }
  }

  /// `d_j ← d_j · φ'(a_j)` for every entry (the back-propagation step through `φ`), in one loop
  /// that the compiler vectorizes for SeLU (`φ'(a) = s` for `a > 0`, `s·α·eᵃ` otherwise, with
  /// ``branchFreeExponential(_:)``) and ReLU; tanh uses the C library's `tanh`.
  ///
  /// - Precondition: `d.count == a.count`.
  public func multiplyByDerivative(_ d: inout [Double], at a: [Double]) {
    precondition(d.count == a.count, "\(d.count) values for \(a.count) pre-activations")
    let count = a.count
    d.withUnsafeMutableBufferPointer { out in
      a.withUnsafeBufferPointer { input in
        guard let o = out.baseAddress, let x = input.baseAddress else { return }
        switch self {
        case .selu:
          let (s, sa) = (Activation.seluScale, Activation.seluScale * Activation.seluAlpha)
          for j in 0..<count {
            let v = x[j]
            o[j] *= v > 0 ? s : sa * branchFreeExponential(v > 0 ? 0 : v)
          }
        case .relu:
          for j in 0..<count { o[j] *= x[j] > 0 ? 1 : 0 }
        case .tanh:
          for j in 0..<count {
            let t = hyperbolicTangent(x[j])
            o[j] *= 1 - t * t
          }
        }
      }
    }
  }

  /// `a_ij ← φ(a_ij + b_j)` for a row-major array with `bias.count` columns: the bias and `φ` in one
  /// pass per row (the row stays in cache), no second array.
  ///
  /// - Precondition: `bias` is not empty and `a.count` is a multiple of `bias.count`.
  public func apply(to a: inout [Double], addingToEachRow bias: [Double]) {
    let m = bias.count
    precondition(m > 0 && a.count % m == 0, "\(a.count) entries are not rows of \(m)")
    let rows = a.count / m
    a.withUnsafeMutableBufferPointer { p in
      guard let base = p.baseAddress else { return }
      apply(toRows: base, count: rows, addingToEachRow: bias)
    }
  }

  /// ``apply(to:addingToEachRow:)`` on `count` rows of `bias.count` entries starting at `base`.
  func apply(toRows base: UnsafeMutablePointer<Double>, count rows: Int, addingToEachRow bias: [Double]) {
    let m = bias.count
    bias.withUnsafeBufferPointer { b in
      guard let bb = b.baseAddress else { return }
      for i in 0..<rows {
        let row = base + i * m
        for j in 0..<m { row[j] += bb[j] }
        apply(from: UnsafePointer(row), to: row, count: m)
      }
    }
  }

  /// `to[j] = φ(from[j])` for `j < count`; `to` may equal `from`. Inlined into both callers so
  /// each loop is vectorized for its own aliasing (distinct arrays, or the same one in place).
  @inline(__always)
  func apply(from input: UnsafePointer<Double>, to out: UnsafeMutablePointer<Double>, count: Int) {
    switch self {
    case .selu:
      let (s, sa) = (Activation.seluScale, Activation.seluScale * Activation.seluAlpha)
      for j in 0..<count {
        let v = input[j]
        // e^min(a, 0): the exponential is only needed where a ≤ 0 (no overflow elsewhere).
        out[j] = v > 0 ? s * v : sa * (branchFreeExponential(v > 0 ? 0 : v) - 1)
      }
    case .relu:
      for j in 0..<count { out[j] = input[j] > 0 ? input[j] : 0 }
    case .tanh:
      for j in 0..<count { out[j] = hyperbolicTangent(input[j]) }
    }
  }

  /// SeLU, `s·a` for `a > 0`, `s·α(eᵃ − 1)` otherwise.
  @inline(__always)
  static func selu(_ a: Double) -> Double {
    a > 0 ? Activation.seluScale * a : Activation.seluScale * Activation.seluAlpha * (exponential(a) - 1)
  }

  /// `φ'(a)`.
  @inline(__always)
  public func derivative(_ a: Double) -> Double {
    switch self {
    case .selu: return a > 0 ? Activation.seluScale : Activation.seluScale * Activation.seluAlpha * exponential(a)
    case .relu: return a > 0 ? 1 : 0
    case .tanh:
      let t = hyperbolicTangent(a)
      return 1 - t * t
    }
  }

  /// `φ''(a)`.
  @inline(__always)
  public func secondDerivative(_ a: Double) -> Double {
    switch self {
    case .selu: return a > 0 ? 0 : Activation.seluScale * Activation.seluAlpha * exponential(a)
    case .relu: return 0
    case .tanh:
      let t = hyperbolicTangent(a)
      return -2 * t * (1 - t * t)
    }
  }

  /// The standard deviation of the initial weights for fan-in `n`: He `√(2/n)` for ReLU, LeCun
  /// `√(1/n)` for SeLU and tanh.
  public func initialStandardDeviation(fanIn n: Int) -> Double {
    let fan = Double(max(n, 1))
    return self == .relu ? (2 / fan).squareRoot() : (1 / fan).squareRoot()
  }
}

/// `eˣ` for `x ≤ 709` without branches or calls, so a loop over it vectorizes (below `−708` the
/// result is flushed to `e⁻⁷⁰⁸ ≈ 3e−308`, which only matters next to numbers below `1e−291`).
///
/// Cody–Waite reduction `x = k ln 2 + r`, `k = round(x / ln 2)`, `|r| ≤ ln 2 / 2` (with `ln 2` split
/// in a high part, exact in `k·ln2_hi`, and a low part), then `eʳ` by its Taylor polynomial of
/// degree 13 (truncation error `|r|¹⁴/14! < 5e−18`, below half an ulp; evaluated by Estrin's scheme) and `2ᵏ` built from its
/// exponent bits. `k` is rounded with the `1.5·2⁵²` shift, whose low mantissa bits are `k` itself,
/// so no float-to-integer conversion is needed. Accuracy: within 2 ulp of the correctly rounded
/// `eˣ` (checked against the C library in the tests).
@inline(__always)
func branchFreeExponential(_ x: Double) -> Double {
  let shift = 6_755_399_441_055_744.0  // 1.5·2⁵²
  let c = x < -708 ? -708 : (x > 709 ? 709 : x)
  let shifted = c * 1.442_695_040_888_963_4 + shift  // x/ln2 + shift, rounded to nearest
  let k = shifted - shift
  let r = (c - k * 0.693_147_180_369_123_816_49) - k * 1.908_214_929_270_587_700_02e-10
  // Estrin's scheme (pairs, then powers r², r⁴, r⁸): a dependency chain of 4 multiply-adds
  // instead of Horner's 13, so consecutive lanes overlap in the pipeline.
  let r2 = r * r
  let r4 = r2 * r2
  let p01 = 1 + r
  let p23 = 0.5 + r * (1.0 / 6)
  let p45 = 1.0 / 24 + r * (1.0 / 120)
  let p67 = 1.0 / 720 + r * (1.0 / 5_040)
  let p89 = 1.0 / 40_320 + r * (1.0 / 362_880)
  let p1011 = 1.0 / 3_628_800 + r * (1.0 / 39_916_800)
  let p1213 = 1.0 / 479_001_600 + r * (1.0 / 6_227_020_800)
  let low = (p01 + r2 * p23) + r4 * (p45 + r2 * p67)
  let high = (p89 + r2 * p1011) + r4 * p1213
  let p = low + (r4 * r4) * high
  return p * Double(bitPattern: (shifted.bitPattern &+ 1023) &<< 52)
}
