/// A hidden-layer nonlinearity `φ` with its first and second derivatives (the second is needed by
/// the exact Hessian-vector product).
public enum Activation: String, Sendable, Hashable, CaseIterable {
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

  /// `φ(a_j)` for every entry (the case is chosen once, not per entry).
  public func values(_ a: [Double]) -> [Double] {
    [Double](unsafeUninitializedCapacity: a.count) { out, initialized in
      a.withUnsafeBufferPointer { input in
        switch self {
        case .selu:
          for j in input.indices { out[j] = Activation.selu(input[j]) }
        case .relu:
          for j in input.indices { out[j] = input[j] > 0 ? input[j] : 0 }
        case .tanh:
          for j in input.indices { out[j] = hyperbolicTangent(input[j]) }
        }
      }
      initialized = a.count
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
