public import DenseLinearAlgebra

/// How many weights a rule had to clip at zero, and how much negative mass that removed.
///
/// I-JACK, SIM-JACK and FairIF produce real-valued weights `w = 1 + Δw`; a large λ drives some
/// of them negative, which is not a valid training weight. The rules clip `w_i ← max(w_i, 0)`
/// and report it here so a caller can say so (and a selection can prefer unclipped values).
public struct ClippingReport: Sendable, Equatable {
  /// The number of weights that were negative before clipping.
  public var count: Int
  /// `Σ_i max(0, −w_i)` over the raw weights: the mass the clipping added back.
  public var mass: Double
  /// The smallest raw weight (1 when no weight was computed below 1).
  public var minimumRawWeight: Double

  public init(count: Int = 0, mass: Double = 0, minimumRawWeight: Double = 1) {
    self.count = count
    self.mass = mass
    self.minimumRawWeight = minimumRawWeight
  }

  /// True when a weight was clipped.
  public var clipped: Bool { count > 0 }
}

/// The output of a reweighting rule: per-sample training weights around 1 (`w = 1` is ERM).
public struct SampleWeights: Sendable, Equatable {
  /// The final, non-negative weights `w_i ≥ 0` (one per training sample).
  public var weights: [Double]
  /// The weights the rule's formula gave before clipping at zero.
  public var rawWeights: [Double]
  /// What clipping did (nothing for the discrete rules).
  public var clipping: ClippingReport

  /// Clips `raw` at zero and records the clipping.
  public init(raw: [Double]) {
    rawWeights = raw
    var report = ClippingReport(minimumRawWeight: raw.min() ?? 1)
    weights = raw.map { w in
      if w < 0 {
        report.count += 1
        report.mass += -w
        return 0
      }
      return w
    }
    clipping = report
  }

  /// Weights taken as they are (possibly negative; for analyses that do not train with them).
  public init(unclipped raw: [Double]) {
    rawWeights = raw
    weights = raw
    clipping = ClippingReport(minimumRawWeight: raw.min() ?? 1)
  }

  /// `Δw = w − 1` (after clipping).
  public var change: [Double] { weights.map { $0 - 1 } }

  /// The first-order (IJ) prediction of the change of the fairness functional whose influence
  /// vector is `influence`: `ΔF ≈ Σ_i I_i (w_i − 1)` (seed 001 Eq. 8), with the clipped weights.
  public func predictedChange(influence: [Double]) -> Double {
    precondition(influence.count == weights.count, "\(influence.count) influences for \(weights.count) weights")
    var s = 0.0
    for i in weights.indices { s += influence[i] * (weights[i] - 1) }
    return s
  }

  /// The number of samples whose weight is 0 (dropped).
  public var droppedCount: Int { weights.count { $0 == 0 } }
}

/// The influence-based reweighting rules of seed 001 (Sattigeri et al. / Ghosh et al.,
/// "A Closer Look", Eq. 9 and Propositions 3.1-3.3, C.1) and seed 004 (FairIF, Eq. 14).
///
/// Every rule is a pure function of a fairness-influence vector `I_F` with
/// `I_F,i = ∂F(θ̂(w))/∂w_i |_{w=1}` (so removing sample `i` changes `F` by about `−I_F,i`):
/// positive influence means the sample *increases* the (signed, positive) fairness gap `F`.
/// Weights are returned around 1 (`w = 1` is the unweighted model) and are never negative.
public enum Reweighting {
  // MARK: Discrete rules (Hamming proximal term)

  /// Fair-IJ / drop-K (seed 001 Proposition 3.1, seed 001 Eq. 10 for the model update): weight 0
  /// for the `k` samples with the largest *positive* influence, 1 elsewhere. Fewer than `k` are
  /// dropped when fewer than `k` influences are positive (dropping a sample with `I ≤ 0` cannot
  /// lower `F` to first order). Ties are broken by the smaller index.
  public static func dropK(influence: [Double], k: Int) -> SampleWeights {
    dropKUpweightM(influence: influence, k: k, m: 0)
  }

  /// Drop-K / upweight-M (seed 001 Proposition C.1): weight 0 for the `k` largest positive
  /// influences and `1 + upweight` for the `m` most negative ones (`upweight = 1` is the seed's
  /// ternary `{0, 1, 2}` rule, i.e. duplicating the sample).
  public static func dropKUpweightM(influence: [Double], k: Int, m: Int, upweight: Double = 1) -> SampleWeights {
    precondition(k >= 0 && m >= 0 && upweight >= 0, "k, m and upweight must be non-negative")
    var w = Array(repeating: 1.0, count: influence.count)
    let order = influence.indices.sorted {
      influence[$0] > influence[$1] || (influence[$0] == influence[$1] && $0 < $1)
    }
    for i in order.prefix(k) where influence[i] > 0 { w[i] = 0 }
    for i in order.reversed().prefix(m) where influence[i] < 0 && w[i] == 1 { w[i] = 1 + upweight }
    return SampleWeights(raw: w)
  }

  /// The `K` of Proposition 3.1 for a penalty strength λ: the minimizer of Eq. 9 over
  /// `{0, 1}^N` with the Hamming proximal term drops exactly the samples with `I_i > 1/λ`.
  public static func dropCount(influence: [Double], lambda: Double) -> Int {
    precondition(lambda > 0, "lambda must be positive")
    return influence.count { $0 > 1 / lambda }
  }

  /// `(K, M)` of Proposition C.1 for a penalty strength λ: over `{0, 1, 2}^N` with the Hamming
  /// term, drop every `I_i > 1/λ` and duplicate every `I_i < −1/λ`.
  public static func dropUpweightCounts(influence: [Double], lambda: Double) -> (k: Int, m: Int) {
    precondition(lambda > 0, "lambda must be positive")
    return (influence.count { $0 > 1 / lambda }, influence.count { $0 < -1 / lambda })
  }

  // MARK: Continuous rules (quadratic proximal term)

  /// I-JACK (seed 001 Proposition 3.2): `w = 1 − λ I_F`, the minimizer of Eq. 9 with
  /// `D(w, 1) = ½‖w − 1‖²`. Predicted `ΔF = −λ‖I_F‖² ≤ 0` before clipping.
  public static func iJack(influence: [Double], lambda: Double) -> SampleWeights {
    precondition(lambda >= 0, "lambda must be non-negative")
    return SampleWeights(raw: influence.map { 1 - lambda * $0 })
  }

  /// The natural I-JACK scale `λ₀ = F(θ̂)/‖I_F‖²` (the first-order step that zeroes the gap).
  public static func iJackScale(gap: Double, influence: [Double]) -> Double {
    let q = influence.reduce(0) { $0 + $1 * $1 }
    return q > 0 ? abs(gap) / q : 0
  }

  /// `C I = Φ(Φᵀ I) + ε I` with `C = ΦΦᵀ + εI` (`Φ` is `n × dim`, one embedding per row), in
  /// `O(n·dim)` time and memory: the `n × n` matrix `C` is never formed.
  public static func similarityProduct(embeddings phi: Matrix, vector: [Double], epsilon: Double) -> [Double] {
    precondition(phi.rows == vector.count, "\(phi.rows) embeddings for \(vector.count) values")
    let projected = phi.transposeApplied(to: vector)  // dim
    var out = phi.applied(to: projected)  // n
    for i in out.indices { out[i] += epsilon * vector[i] }
    return out
  }

  /// Rows of `phi` scaled to unit Euclidean norm (zero rows stay zero). SIM-JACK's kernel uses
  /// normalized embeddings so that `C` has a bounded diagonal (`C_ii = 1 + ε`).
  public static func normalizedRows(_ phi: Matrix) -> Matrix {
    var e = phi.elements
    let d = phi.columns
    for i in 0..<phi.rows {
      var s = 0.0
      for j in 0..<d { s += e[i * d + j] * e[i * d + j] }
      let norm = s.squareRoot()
      if norm > 0 { for j in 0..<d { e[i * d + j] /= norm } }
    }
    return Matrix(rows: phi.rows, columns: d, elements: e)
  }

  /// Columns centred to mean zero, then rows scaled to unit norm: the SIM-JACK embedding used by
  /// the experiments. Without centring, embeddings that share a large common component (SeLU
  /// hidden units, one-hot features) make `C ≈ 11ᵀ` and SIM-JACK shifts every weight the same way.
  public static func centredNormalizedRows(_ phi: Matrix) -> Matrix {
    let (n, d) = (phi.rows, phi.columns)
    guard n > 0 else { return phi }
    var e = phi.elements
    for j in 0..<d {
      var m = 0.0
      for i in 0..<n { m += e[i * d + j] }
      m /= Double(n)
      for i in 0..<n { e[i * d + j] -= m }
    }
    return normalizedRows(Matrix(rows: n, columns: d, elements: e))
  }

  /// SIM-JACK (seed 001 Proposition 3.3 / C.3): `w = 1 − λ C I_F`, `C = ΦΦᵀ + εI`, the minimizer
  /// of Eq. 9 with the Mahalanobis term `½(w − 1)ᵀC⁻¹(w − 1)`. `embeddings` are normalized to
  /// unit rows here when `normalize` is true. Predicted `ΔF = −λ I_Fᵀ C I_F ≤ 0` before clipping.
  public static func simJack(
    influence: [Double], embeddings: Matrix, lambda: Double, epsilon: Double = 1e-3, normalize: Bool = true
  ) -> SampleWeights {
    precondition(lambda >= 0 && epsilon >= 0, "lambda and epsilon must be non-negative")
    let phi = normalize ? normalizedRows(embeddings) : embeddings
    let ci = similarityProduct(embeddings: phi, vector: influence, epsilon: epsilon)
    return SampleWeights(raw: ci.map { 1 - lambda * $0 })
  }

  /// The natural SIM-JACK scale `λ₀ = F(θ̂)/(I_Fᵀ C I_F)`.
  public static func simJackScale(
    gap: Double, influence: [Double], embeddings: Matrix, epsilon: Double = 1e-3, normalize: Bool = true
  ) -> Double {
    let phi = normalize ? normalizedRows(embeddings) : embeddings
    let ci = similarityProduct(embeddings: phi, vector: influence, epsilon: epsilon)
    var q = 0.0
    for i in ci.indices { q += influence[i] * ci[i] }
    return q > 0 ? abs(gap) / q : 0
  }
}
