public import DenseLinearAlgebra

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// The GoG adversary: a linear encoder of the inputs followed by one GCN layer to a score per
/// sample, turned into sample weights that average 1 in the batch.
///
/// ## Forward pass (one batch of `B` rows `a_i`, the inputs optionally with the label appended)
///
///     E = A W_eᵀ + 1 b_eᵀ            (B x H, the encoder; W_e is H x a)
///     u = E θ                        (B, the GCN layer's linear map to one channel)
///     o = Â u + c                    (Â from ``NearestNeighbourGraph``; c the GCN bias)
///     r_i = LeakyReLU(o_i) + 1       (negative slope s, 0.01 by default)
///     λ_i = r_i / (r̄ + 10⁻⁸),        r̄ = (1/B) Σ_i r_i
///
/// ## Objective and its exact gradient
/// The adversary ascends `L(φ) = (1/B) Σ_i λ_i ℓ_i` with the losses `ℓ` held fixed:
///
///     ∂L/∂r_k = ℓ_k / (B(r̄+ε)) − (Σ_i r_i ℓ_i) / (B²(r̄+ε)²)
///     δo_k = ∂L/∂r_k · (o_k > 0 ? 1 : s)       δc = Σ_k δo_k
///     δu = Âᵀ δo,   δθ = Eᵀ δu,   δE = δu θᵀ,   δW_e = δEᵀ A,   δb_e = δEᵀ 1
///
/// The flat parameter vector is `[vec(W_e) (row-major), b_e, θ, c]`.
///
/// Initialization as PyTorch: `W_e, b_e ~ U(±1/√a)` (`nn.Linear`), `θ ~ U(±√(6/(H+1)))` (Glorot,
/// `GCNConv`), `c = 0`, drawn in that order from the generator.
public struct GraphAdversary: Sendable, Equatable {
  /// The input width `a`.
  public let inputWidth: Int
  /// The encoder width `H`.
  public let encoderWidth: Int
  /// The LeakyReLU's negative slope `s`.
  public let leakySlope: Double
  /// `[vec(W_e), b_e, θ, c]`.
  public var parameters: [Double]

  /// The guard added to the batch mean of `r` before dividing (as the authors' code).
  public static let meanGuard = 1e-8

  /// A randomly initialized adversary.
  public init(inputWidth: Int, encoderWidth: Int, leakySlope: Double, using generator: inout some RandomNumberGenerator)
  {
    precondition(inputWidth >= 1 && encoderWidth >= 1, "need positive widths")
    self.inputWidth = inputWidth
    self.encoderWidth = encoderWidth
    self.leakySlope = leakySlope
    let bound = 1 / Double(inputWidth).squareRoot()
    let glorot = (6 / Double(encoderWidth + 1)).squareRoot()
    var p: [Double] = []
    p.reserveCapacity(encoderWidth * inputWidth + 2 * encoderWidth + 1)
    for _ in 0..<(encoderWidth * inputWidth + encoderWidth) { p.append(uniform(bound, &generator)) }
    for _ in 0..<encoderWidth { p.append(uniform(glorot, &generator)) }
    p.append(0)
    self.parameters = p
  }

  /// The quantities of one forward pass that the backward pass reuses.
  public struct Forward: Sendable {
    /// `E`, `B x H`.
    public let encoded: Matrix
    /// `o`, the GCN outputs.
    public let scores: [Double]
    /// `r = LeakyReLU(o) + 1`.
    public let raw: [Double]
    /// `λ = r / (r̄ + ε)`.
    public let weights: [Double]
  }

  private var encoderWeights: Matrix {
    Matrix(rows: encoderWidth, columns: inputWidth, elements: Array(parameters[0..<(encoderWidth * inputWidth)]))
  }
  private var encoderBiases: [Double] {
    Array(parameters[(encoderWidth * inputWidth)..<(encoderWidth * inputWidth + encoderWidth)])
  }
  private var gcnWeights: [Double] {
    let start = encoderWidth * inputWidth + encoderWidth
    return Array(parameters[start..<(start + encoderWidth)])
  }

  /// The forward pass on the batch inputs `A` (`B x a`) over `graph`.
  public func forward(_ inputs: Matrix, graph: NearestNeighbourGraph) -> Forward {
    precondition(inputs.columns == inputWidth && inputs.rows == graph.nodeCount, "inputs do not match")
    let encoded = inputs.multiplied(byTransposeOf: encoderWeights, addingToEachRow: encoderBiases)
    let u = encoded.applied(to: gcnWeights)
    let c = parameters[parameters.count - 1]
    let scores = graph.propagate(u).map { $0 + c }
    let raw = scores.map { ($0 > 0 ? $0 : leakySlope * $0) + 1 }
    let mean = raw.reduce(0, +) / Double(raw.count)
    return Forward(encoded: encoded, scores: scores, raw: raw, weights: raw.map { $0 / (mean + Self.meanGuard) })
  }

  /// `∂L/∂φ` for `L = (1/B) Σ λ_i ℓ_i` at the pass `forward` (see the type's documentation).
  public func objectiveGradient(
    _ forward: Forward, inputs: Matrix, graph: NearestNeighbourGraph, losses: [Double]
  ) -> [Double] {
    let b = Double(losses.count)
    let shifted = forward.raw.reduce(0, +) / b + Self.meanGuard
    let weightedLoss = zip(forward.raw, losses).reduce(0) { $0 + $1.0 * $1.1 }
    let deltaScores = losses.indices.map { k in
      (losses[k] / (b * shifted) - weightedLoss / (b * b * shifted * shifted))
        * (forward.scores[k] > 0 ? 1 : leakySlope)
    }
    let deltaU = graph.propagateTransposed(deltaScores)
    let theta = gcnWeights
    let deltaTheta = forward.encoded.transposeApplied(to: deltaU)
    // δE = δu θᵀ (rank one): δW_e = θ (Aᵀδu)ᵀ, δb_e = θ Σδu.
    let projected = inputs.transposeApplied(to: deltaU)
    let sumU = deltaU.reduce(0, +)
    var gradient: [Double] = []
    gradient.reserveCapacity(parameters.count)
    for h in 0..<encoderWidth {
      for u in 0..<inputWidth { gradient.append(theta[h] * projected[u]) }
    }
    for h in 0..<encoderWidth { gradient.append(theta[h] * sumU) }
    gradient.append(contentsOf: deltaTheta)
    gradient.append(deltaScores.reduce(0, +))
    return gradient
  }
}

/// The ARL adversary (Lahoti et al. 2020), linear: `s_i = σ(wᵀa_i + b)` on `a_i = [x_i; y_i]` and
/// `λ_i = 1 + B s_i / Σ_j s_j` in each batch.
///
/// With `S = Σ s_j` the objective `L = (1/B) Σ λ_i ℓ_i` has
/// `∂L/∂s_k = ℓ_k/S − (Σ_i s_i ℓ_i)/S²`, `δz_k = ∂L/∂s_k · s_k(1 − s_k)`, `δw = Aᵀδz`, `δb = Σδz`.
/// Parameters `[w, b]`, initialized `U(±1/√a)` as `nn.Linear`.
public struct LinearAdversary: Sendable, Equatable {
  /// `[w, b]`.
  public var parameters: [Double]

  /// A randomly initialized adversary for inputs of width `inputWidth`.
  public init(inputWidth: Int, using generator: inout some RandomNumberGenerator) {
    let bound = 1 / Double(inputWidth).squareRoot()
    parameters = (0...inputWidth).map { _ in uniform(bound, &generator) }
  }

  /// The sigmoid scores `s_i`.
  public func scores(_ inputs: Matrix) -> [Double] {
    precondition(inputs.columns + 1 == parameters.count, "inputs do not match")
    let b = parameters[parameters.count - 1]
    let z = inputs.applied(to: Array(parameters.dropLast()))
    return z.map { 1 / (1 + exp(-($0 + b))) }
  }

  /// `λ_i = 1 + B s_i / Σ s`.
  public static func weights(scores s: [Double]) -> [Double] {
    let total = s.reduce(0, +)
    return s.map { 1 + Double(s.count) * $0 / total }
  }

  /// `∂L/∂[w, b]` for `L = (1/B) Σ λ_i ℓ_i`.
  public func objectiveGradient(_ inputs: Matrix, scores s: [Double], losses: [Double]) -> [Double] {
    let total = s.reduce(0, +)
    let weighted = zip(s, losses).reduce(0) { $0 + $1.0 * $1.1 }
    let deltaZ = s.indices.map { k in (losses[k] / total - weighted / (total * total)) * s[k] * (1 - s[k]) }
    return inputs.transposeApplied(to: deltaZ) + [deltaZ.reduce(0, +)]
  }
}

/// A uniform draw in `[−bound, bound)` with 53 random bits.
func uniform(_ bound: Double, _ generator: inout some RandomNumberGenerator) -> Double {
  (Double(generator.next() >> 11) * 0x1p-53 * 2 - 1) * bound
}
