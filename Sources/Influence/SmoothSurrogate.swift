/// The smooth surrogate of hard predictions in a fairness target (the one vocabulary for it:
/// ``FairnessTarget``, the mitigation runs and the `--surrogate` option all use this type).
///
/// - ``softmax``: `ŷ_i = p_θ(1 | x_i)`.
/// - ``gumbel(temperature:seed:)``: the soft Gumbel-softmax `ŷ_i = softmax_k((log p_θ(k|x_i) + g_ik)/τ)_1`
///   with fixed Gumbel(0,1) noise `g` drawn once from `seed` (seed 004 §4.2 stage one; τ = 1 in
///   the authors' `run.sh`, seed-algorithms.md §2.2). As τ → 0 the relaxed prediction becomes the
///   one-hot Gumbel-max sample, whose mean over the noise is `p_θ(1|x)` (the softmax surrogate);
///   as τ → ∞ it tends to `1/K` and its gradient shrinks like `1/τ`.
public enum SmoothSurrogate: Sendable, Hashable {
  case softmax
  case gumbel(temperature: Double, seed: UInt64)

  /// The default Gumbel-softmax temperature, τ = 1 (seed 004's `run.sh`).
  public static let defaultGumbelTemperature = 1.0

  /// The surrogate's family, as the `--surrogate` option and JSON's `kind` name it.
  public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
    case softmax
    case gumbel
  }

  public var kind: Kind {
    switch self {
    case .softmax: .softmax
    case .gumbel: .gumbel
    }
  }

  /// `softmax` or `gumbel`.
  public var name: String { kind.rawValue }
}

extension SmoothSurrogate: Codable {
  enum CodingKeys: String, CodingKey {
    case kind, temperature, seed
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    switch try c.decode(Kind.self, forKey: .kind) {
    case .softmax: self = .softmax
    case .gumbel:
      self = .gumbel(
        temperature: try c.decode(Double.self, forKey: .temperature), seed: try c.decode(UInt64.self, forKey: .seed))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .kind)
    if case .gumbel(let temperature, let seed) = self {
      try c.encode(temperature, forKey: .temperature)
      try c.encode(seed, forKey: .seed)
    }
  }
}
